package io.gatehouse.emailtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Single-use mailed tokens on the in-memory store and every Redis topology. */
class EmailTokensContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

    private EmailTokens tokens() {
        EmailTokens.Builder b = EmailTokens.builder().clock(clock);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        return b.build();
    }

    @Test
    void aTokenIsTakenOnceWithWhatItWasIssuedFor() {
        EmailTokens t = tokens();
        String token = t.issue(EmailTokenPurpose.VERIFY_EMAIL, "u1", "ann@example.com", Duration.ofHours(1));
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(t.take(EmailTokenPurpose.VERIFY_EMAIL, token))
                .contains(new EmailTokenClaim("u1", "ann@example.com"));
        assertThat(t.take(EmailTokenPurpose.VERIFY_EMAIL, token)).isEmpty();
    }

    @Test
    void aTokenOfOnePurposeIsNotAcceptedForAnotherAndStaysGood() {
        EmailTokens t = tokens();
        String token = t.issue(EmailTokenPurpose.VERIFY_EMAIL, "u1", "ann@example.com", Duration.ofHours(1));
        assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, token)).isEmpty();
        assertThat(t.take(EmailTokenPurpose.VERIFY_EMAIL, token)).isPresent();
    }

    @Test
    void malformedAndUnknownTokensAreRefused() {
        EmailTokens t = tokens();
        assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, null)).isEmpty();
        assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, "")).isEmpty();
        assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, "{x}")).isEmpty();
        assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, "A".repeat(43))).isEmpty();
    }

    @Test
    void ofManyConcurrentTakesExactlyOneWins() {
        EmailTokens t = tokens();
        String token = t.issue(EmailTokenPurpose.PASSWORD_RESET, "u1", "2026-03-01T10:00:00Z", Duration.ofHours(1));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Optional<EmailTokenClaim>>> takes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            takes.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return t.take(EmailTokenPurpose.PASSWORD_RESET, token);
            }));
        }
        go.countDown();
        assertThat(takes.stream().map(CompletableFuture::join).filter(Optional::isPresent))
                .hasSize(1);
    }

    @Test
    void aTokenExpires() {
        EmailTokens t = tokens();
        String token = t.issue(EmailTokenPurpose.PASSWORD_RESET, "u1", "b", Duration.ofSeconds(1));
        if (backend.isRedis()) {
            // Redis expires the key by its own clock (PX): wait for it, without sleeping a fixed time.
            String key = backend.connector().keys().key("et", EmailTokens.hash(token), "reset");
            assertThat(exists(key)).isEqualTo(1L);
            await().atMost(Duration.ofSeconds(10)).until(() -> exists(key) == 0L);
            assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, token)).isEmpty();
        } else {
            clock.advance(Duration.ofMillis(999));
            String other = t.issue(EmailTokenPurpose.PASSWORD_RESET, "u1", "b", Duration.ofSeconds(1));
            clock.advance(Duration.ofMillis(1));
            assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, token)).isEmpty();
            assertThat(t.take(EmailTokenPurpose.PASSWORD_RESET, other)).isPresent();
        }
    }

    @Test
    void onlyTheHashIsStored() {
        org.junit.jupiter.api.Assumptions.assumeTrue(backend.isRedis());
        EmailTokens t = tokens();
        String token = t.issue(EmailTokenPurpose.PASSWORD_RESET, "u1", "b", Duration.ofHours(1));
        String key = backend.connector().keys().key("et", EmailTokens.hash(token), "reset");
        assertThat(exists(key)).isEqualTo(1L);
        assertThat(key).doesNotContain(token);
    }

    private long exists(String key) {
        return backend.connector().<Long>sync(c -> c.exists(key));
    }
}
