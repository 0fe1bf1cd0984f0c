package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP meaning as plain data: status, draft-ietf-httpapi-ratelimit-headers fields, legacy headers, refusals. */
class RateLimitResponseTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final RatePolicy LOGIN_IP = RatePolicy.of("login-ip", Limit.of(10, Duration.ofMinutes(1)));
    private static final RatePolicy LOGIN_ACCOUNT = RatePolicy.of("login-account", Limit.of(5, Duration.ofMinutes(1)));

    @Test
    void allowedRequestCarriesPolicyAndStateFields() {
        Decision d =
                new Decision("login-ip", true, 10, 3, Duration.ZERO, Duration.ofMillis(11_200), DecisionSource.REDIS);
        RateLimitResponse r = RateLimitResponse.of(LOGIN_IP, d, NOW);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.refusal()).isEmpty();
        assertThat(r.headers())
                .containsExactly(
                        java.util.Map.entry("RateLimit-Policy", "\"login-ip\";q=10;w=60"),
                        java.util.Map.entry("RateLimit", "\"login-ip\";r=3;t=12"),
                        java.util.Map.entry("X-RateLimit-Limit", "10"),
                        java.util.Map.entry("X-RateLimit-Remaining", "3"),
                        java.util.Map.entry("X-RateLimit-Reset", Long.toString(NOW.getEpochSecond() + 12)));
    }

    @Test
    void refusalIs429WithRetryAfterRoundedUpAndAProblemBody() {
        Decision d = new Decision(
                "login-ip", false, 10, 0, Duration.ofMillis(4_001), Duration.ofSeconds(60), DecisionSource.REDIS);
        RateLimitResponse r = RateLimitResponse.of(LOGIN_IP, d, NOW);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers())
                .containsEntry("Retry-After", "5")
                .containsEntry("RateLimit", "\"login-ip\";r=0;t=60")
                .containsEntry("X-RateLimit-Remaining", "0")
                .containsEntry("X-RateLimit-Reset", Long.toString(NOW.getEpochSecond() + 5));
        assertThat(r.refusal())
                .contains(new RateLimitResponse.Refusal(
                        "Too Many Requests",
                        "Rate limit login-ip exceeded; retry in 5 s.",
                        java.util.Optional.of("login-ip"),
                        5,
                        false));
    }

    @Test
    void subMillisecondRetryStillSaysOneSecond() {
        Decision d = new Decision(
                "login-ip", false, 10, 0, Duration.ofNanos(1_000), Duration.ofNanos(1_000), DecisionSource.REDIS);
        assertThat(RateLimitResponse.of(LOGIN_IP, d, NOW).headers()).containsEntry("Retry-After", "1");
    }

    @Test
    void severalPoliciesAreListMembersAndLegacyHeadersDescribeTheRefusingOne() {
        MultiDecision m = new MultiDecision(
                false,
                List.of(
                        new Decision(
                                "login-ip", true, 10, 7, Duration.ZERO, Duration.ofSeconds(18), DecisionSource.REDIS),
                        new Decision(
                                "login-account",
                                false,
                                5,
                                0,
                                Duration.ofSeconds(12),
                                Duration.ofSeconds(60),
                                DecisionSource.REDIS)));
        RateLimitResponse r = RateLimitResponse.of(List.of(LOGIN_IP, LOGIN_ACCOUNT), m, NOW);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers())
                .containsEntry("RateLimit-Policy", "\"login-ip\";q=10;w=60, \"login-account\";q=5;w=60")
                .containsEntry("RateLimit", "\"login-ip\";r=7;t=18, \"login-account\";r=0;t=60")
                .containsEntry("X-RateLimit-Limit", "5")
                .containsEntry("Retry-After", "12");
        assertThat(r.refusal().orElseThrow().policy()).contains("login-account");
    }

    @Test
    void lockoutAnswersSayNothingAboutTheAccountOrTheCounter() {
        RateLimitResponse temp = RateLimitResponse.lockedOut(new LockoutStatus(true, false, Duration.ofMillis(59_001)));
        assertThat(temp.status()).isEqualTo(429);
        assertThat(temp.headers()).containsExactly(java.util.Map.entry("Retry-After", "60"));
        assertThat(temp.refusal())
                .contains(new RateLimitResponse.Refusal(
                        "Too Many Requests",
                        "Too many failed login attempts; retry in 60 s.",
                        java.util.Optional.empty(),
                        60,
                        true));
        RateLimitResponse permanent = RateLimitResponse.lockedOut(new LockoutStatus(true, true, Duration.ZERO));
        assertThat(permanent.status()).isEqualTo(403);
        assertThat(permanent.headers()).doesNotContainKey("Retry-After");
        assertThatThrownBy(() -> RateLimitResponse.lockedOut(LockoutStatus.OPEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void structuredFieldStringsAreEscaped() {
        assertThat(RateLimitResponse.sfString("x\"y")).isEqualTo("\"x\\\"y\"");
        assertThatThrownBy(() -> RateLimitResponse.sfString("é")).isInstanceOf(IllegalArgumentException.class);
    }
}
