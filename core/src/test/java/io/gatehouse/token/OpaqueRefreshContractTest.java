package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opaque refresh tokens (the default format): authenticated by the rotation script's match of their
 * SHA-256 alone. On the in-memory store and every Redis topology. The rotation rules common to both
 * formats (grace retry, reuse, the 50-thread race) run in {@link TokenServiceContractTest}, whose default
 * is this format.
 */
class OpaqueRefreshContractTest extends StoreContract {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final RecordingListener events = new RecordingListener();
    private final List<TokenService> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(TokenService::close);
    }

    private TokenService service(Map<String, String> settings) {
        TokenService s = TestTokenServices.on(backend, dataDir, clock, events, settings);
        services.add(s);
        return s;
    }

    @Test
    void theDefaultRefreshTokenIsOpaqueAndNoResourceServerCanTakeItForAnAccessToken() {
        TokenService tokens = service(Map.of());
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1").roles("admin"));

        assertThat(pair.refreshToken())
                .startsWith("ghr1." + pair.familyId() + ".")
                .hasSize(OpaqueRefreshToken.LENGTH);
        assertThat(TestTokenServices.reasonOf(() -> tokens.verify(pair.refreshToken())))
                .isEqualTo(RejectReason.WRONG_TOKEN_USE);
        TokenPair next = tokens.refresh(pair.refreshToken());
        VerifiedToken access = tokens.verify(next.accessToken());
        assertThat(access.subject()).isEqualTo("user-1");
        assertThat(access.sessionId()).isEqualTo("sess-1");
        assertThat(access.roles()).containsExactly("admin");
        assertThat(next.familyId()).isEqualTo(pair.familyId());
    }

    @Test
    void forgedOrTruncatedTokensAreRefusedWithNoStateChangeAndNoSignatureCheck() {
        TokenService tokens = service(Map.of());
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        String real = pair.refreshToken();
        String secret = real.substring(real.lastIndexOf('.') + 1);
        Map<String, String> forgeries = new LinkedHashMap<>();
        forgeries.put("another secret under the real family", OpaqueRefreshToken.mint(pair.familyId()));
        forgeries.put("truncated", real.substring(0, real.length() - 1));
        forgeries.put("one character changed", real.substring(0, real.length() - 1) + (real.endsWith("A") ? "B" : "A"));
        forgeries.put("one character added", real + "A");
        forgeries.put("the prefix alone", OpaqueRefreshToken.PREFIX);
        forgeries.put("the real secret under another family", "ghr1." + TokenCodec.randomId() + "." + secret);
        forgeries.put("a family with braces", "ghr1.{aaaaaaaaaaaaaaaaaaa}." + secret);
        long signaturesBefore = ((DefaultTokenService) tokens).signatureVerifications();

        forgeries.forEach((what, forged) -> assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(forged)))
                .as(what)
                .isIn(RejectReason.REFRESH_UNKNOWN, RejectReason.MALFORMED));

        assertThat(((DefaultTokenService) tokens).signatureVerifications()).isEqualTo(signaturesBefore);
        assertThat(events.reuses).isEmpty();
        assertThat(events.revoked).isEmpty();
        // the real token is still the current one: it rotates, and no grace or reuse state was touched
        TokenPair next = tokens.refresh(real);
        assertThat(tokens.verify(next.accessToken()).subject()).isEqualTo("user-1");
        assertThat(tokens.refresh(real).refreshToken())
                .as("a grace retry of the real token")
                .isEqualTo(next.refreshToken());
    }

    @Test
    void forgedRefreshTokensCannotThrottleTheOwner() {
        TokenService tokens = service(Map.of());
        RefreshLimit limit = new RefreshLimit(2, Duration.ofMinutes(1));
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        for (int i = 0; i < 80; i++) {
            String forged = OpaqueRefreshToken.mint(pair.familyId());
            assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(forged, limit, UnaryOperator.identity())))
                    .isEqualTo(RejectReason.REFRESH_UNKNOWN);
        }

        TokenPair second = tokens.refresh(pair.refreshToken(), limit, UnaryOperator.identity());
        TokenPair third = tokens.refresh(second.refreshToken(), limit, UnaryOperator.identity());

        // the owner's own refreshes count: the third in the window is refused and changes nothing
        assertThatThrownBy(() -> tokens.refresh(third.refreshToken(), limit, UnaryOperator.identity()))
                .isInstanceOfSatisfying(
                        RefreshLimitedException.class,
                        e -> assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.verify(tokens.refresh(third.refreshToken(), limit, UnaryOperator.identity())
                                .accessToken())
                        .subject())
                .isEqualTo("user-1");
        assertThat(events.reuses).isEmpty();
    }

    @Test
    void introspectionSaysInactiveForRetiredRefreshToken() {
        TokenService tokens = service(Map.of());
        TokenPair first = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        assertThat(tokens.activeRefresh(first.refreshToken()))
                .get()
                .extracting(VerifiedToken::subject)
                .isEqualTo("user-1");

        TokenPair next = tokens.refresh(first.refreshToken());

        assertThat(tokens.activeRefresh(first.refreshToken()))
                .as("retired, inside the grace window")
                .isEmpty();
        assertThat(tokens.activeRefresh(next.refreshToken())).isPresent();
        assertThat(tokens.activeRefresh(OpaqueRefreshToken.mint(first.familyId())))
                .isEmpty();
        tokens.revokeSession("sess-1", "logout", clock.instant().plus(Duration.ofHours(1)));
        assertThat(tokens.activeRefresh(next.refreshToken()))
                .as("revoked session")
                .isEmpty();
    }

    @Test
    void theCallerMintsTheNewAccessTokenFromTheCurrentProfile() {
        TokenService tokens = service(Map.of());
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1").roles("admin", "user"));

        TokenPair next = tokens.refresh(pair.refreshToken(), RefreshLimit.NONE, stored -> stored.roles("user"));

        assertThat(tokens.verify(next.accessToken()).roles()).containsExactly("user");
        assertThatThrownBy(() -> tokens.refresh(
                        next.refreshToken(),
                        RefreshLimit.NONE,
                        stored -> TokenRequest.of("someone-else", stored.sessionId())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRevokedUsersOpaqueTokenIsRefusedAndARetryStaysLocal() {
        TokenService tokens = service(Map.of());
        TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));
        clock.advance(Duration.ofSeconds(2));
        tokens.revokeUser("user-1", "password-change");

        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(pair.refreshToken())))
                .isEqualTo(RejectReason.REVOKED_USER);
        clock.advance(Duration.ofSeconds(11));
        // after the grace window, a retry is stopped by the family revocation, not taken for reuse
        assertThat(TestTokenServices.reasonOf(() -> tokens.refresh(pair.refreshToken())))
                .isEqualTo(RejectReason.REVOKED_FAMILY);
        assertThat(events.reuses).isEmpty();
    }

    @Test
    void anOpaqueTokenSurvivesARestartAndKeyRotation() {
        assumeTrue(backend.isRedis(), "families outlive the process only in Redis");
        TokenService before = service(Map.of());
        TokenPair pair = tokens(before);
        before.close();
        services.remove(before);

        TokenService after = service(Map.of());
        after.rotateKeys();
        after.rotateKeys();
        TokenPair next = after.refresh(pair.refreshToken());

        assertThat(after.verify(next.accessToken()).keyId()).isEqualTo(after.activeKeyId());
        assertThat(after.refresh(next.refreshToken()).familyId()).isEqualTo(pair.familyId());
    }

    private static TokenPair tokens(TokenService s) {
        return s.issue(TokenRequest.of("user-1", "sess-1"));
    }

    @Test
    void jwtRefreshTokensIssuedBeforeTheUpgradeStillRefresh() {
        assumeTrue(backend.isRedis(), "families outlive the process only in Redis");
        TokenService old = service(Map.of("gatehouse.tokens.refresh.format", "jwt"));
        TokenPair pair = old.issue(TokenRequest.of("user-1", "sess-1").roles("admin"));
        // the family as the version before this one stored it: no claims beside the hashes
        String key = backend.connector().keys().key("rt", pair.familyId());
        backend.connector().sync(c -> c.hdel(key, "c"));
        old.close();
        services.remove(old);

        TokenService upgraded = service(Map.of());
        TokenPair next = upgraded.refresh(pair.refreshToken());

        assertThat(next.refreshToken()).startsWith(OpaqueRefreshToken.PREFIX);
        assertThat(upgraded.verify(next.accessToken()).roles()).containsExactly("admin");
        assertThat(upgraded.refresh(pair.refreshToken()).refreshToken())
                .as("grace retry of the JWT")
                .isEqualTo(next.refreshToken());
        TokenPair after = upgraded.refresh(next.refreshToken());
        assertThat(upgraded.verify(after.accessToken()).roles()).containsExactly("admin");
        clock.advance(Duration.ofSeconds(11));
        assertThat(TestTokenServices.reasonOf(() -> upgraded.refresh(next.refreshToken())))
                .isEqualTo(RejectReason.REFRESH_REUSED);
    }
}
