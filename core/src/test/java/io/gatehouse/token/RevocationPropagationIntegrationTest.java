package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.RedisContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two processes' worth of token services, each with its own connector (its own connections, reader
 * thread and local state) on the same Redis, on every topology.
 */
class RevocationPropagationIntegrationTest extends RedisContract {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private TokenService process() {
        GatehouseConfig config = backend.configBuilder()
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .build();
        Stores stores = Stores.open(config);
        closeables.add(stores);
        TokenService s = TokenService.builder().config(config).stores(stores).build();
        closeables.add(s);
        return s;
    }

    @Test
    void everyKindOfRevocationReachesTheOtherProcess() {
        TokenService a = process();
        TokenService b = process();
        TokenPair t = a.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair s = a.issue(TokenRequest.of("user-2", "sess-2"));
        TokenPair f = a.issue(TokenRequest.of("user-3", "sess-3"));
        TokenPair u = a.issue(TokenRequest.of("user-4", "sess-4"));
        VerifiedToken vt = b.verify(t.accessToken());
        assertThat(b.verify(u.accessToken()).subject()).isEqualTo("user-4");

        a.revokeToken(vt.tokenId(), vt.expiresAt(), "t");
        a.revokeSession("sess-2", "s", Instant.now().plus(Duration.ofDays(1)));
        a.revokeFamily(f.familyId(), "f");
        a.revokeUser("user-4", "u");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(TestTokenServices.reasonOf(b, t.accessToken())).isEqualTo(RejectReason.REVOKED_TOKEN);
            assertThat(TestTokenServices.reasonOf(b, s.accessToken())).isEqualTo(RejectReason.REVOKED_SESSION);
            assertThat(TestTokenServices.reasonOf(b, f.accessToken())).isEqualTo(RejectReason.REVOKED_FAMILY);
            assertThat(TestTokenServices.reasonOf(b, u.accessToken())).isEqualTo(RejectReason.REVOKED_USER);
        });
        // B's mirror holds what A wrote, reasons included (four revocations may share a millisecond, so
        // compare instants and reasons as sets rather than guessing which one is "newest")
        assertThat(b.revocationStats().counts()).isEqualTo(a.revocationStats().counts());
        assertThat(b.revocationStats().newest().orElseThrow().at())
                .isEqualTo(a.revocationStats().newest().orElseThrow().at());
        assertThat(b.revocationStats().oldest().orElseThrow().at())
                .isEqualTo(a.revocationStats().oldest().orElseThrow().at());
        assertThat(b.revocationStats().total()).isEqualTo(4);
        assertThat(List.of(
                        b.revocationStats().newest().orElseThrow().reason(),
                        b.revocationStats().oldest().orElseThrow().reason()))
                .allMatch(r -> List.of("t", "s", "f", "u").contains(r));
    }

    @Test
    void aProcessStartedLaterLoadsEarlierRevocations() {
        TokenService a = process();
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        a.revokeSession("sess-1", "logout", Instant.now().plus(Duration.ofDays(1)));

        TokenService late = process();

        assertThat(TestTokenServices.reasonOf(late, pair.accessToken())).isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(late.revocationStats().counts()).containsEntry(RevocationKind.SESSION, 1L);
    }

    @Test
    void reuseDetectedInOneProcessRevokesTheSessionInTheOther() {
        TokenService a = process();
        TokenService b = process();
        TokenPair first = a.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair second = b.refresh(first.refreshToken());
        assertThat(a.verify(second.accessToken()).subject()).isEqualTo("user-1");

        // a retry on A inside the grace window gets B's successor: one chain across processes
        assertThat(a.refresh(first.refreshToken()).refreshToken()).isEqualTo(second.refreshToken());
        TokenPair third = a.refresh(second.refreshToken());
        // second is now retired by A's rotation; presenting it again, within grace, still gives third
        assertThat(b.refresh(second.refreshToken()).refreshToken()).isEqualTo(third.refreshToken());
        // first is two generations old: reuse, whichever process sees it
        TokenRejectedException e = null;
        try {
            b.refresh(first.refreshToken());
        } catch (TokenRejectedException x) {
            e = x;
        }
        assertThat(e).isNotNull().extracting(TokenRejectedException::reason).isEqualTo(RejectReason.REFRESH_REUSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> TestTokenServices.reasonOf(a, third.accessToken()) != null);
        assertThat(TestTokenServices.reasonOf(a, third.accessToken()))
                .isIn(RejectReason.REVOKED_FAMILY, RejectReason.REVOKED_SESSION);
    }
}
