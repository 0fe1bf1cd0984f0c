package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The local deny cache's bound and its retry-after arithmetic. */
class DenyCacheTest {
    private static final RatePolicy POLICY = RatePolicy.of("login-ip", Limit.of(10, Duration.ofSeconds(10)));

    private static Decision refusal(long retryMillis) {
        return new Decision(
                "login-ip", false, 10, 0, Duration.ofMillis(retryMillis), Duration.ofSeconds(10), DecisionSource.REDIS);
    }

    @Test
    void staysWithinItsBoundAndMakesRoomFromExpiredEntries() {
        DenyCache cache = new DenyCache(2);
        assertThat(cache.remember(Check.of(POLICY, "a"), refusal(1_000), 0)).isTrue();
        assertThat(cache.remember(Check.of(POLICY, "b"), refusal(5_000), 0)).isTrue();
        assertThat(cache.remember(Check.of(POLICY, "c"), refusal(1_000), 0))
                .as("full: not cached")
                .isFalse();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.check("login-ip", "c", 1, 10)).isNull();
        assertThat(cache.remember(Check.of(POLICY, "c"), refusal(1_000), 1_000))
                .as("a expired and was purged")
                .isTrue();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.check("login-ip", "a", 1, 1_000)).isNull();
        assertThat(cache.check("login-ip", "b", 1, 1_000)).isNotNull();
    }

    @Test
    void answersWithACountdownAndAccountsForTheCost() {
        DenyCache cache = new DenyCache(10);
        // Refused for 3 units with 2.5 s to wait; a 1-unit request could pass 2 intervals (2 s) earlier.
        Check check = Check.of(POLICY, "a", 3);
        assertThat(cache.remember(check, refusal(2_500), 0)).isTrue();
        Decision one = cache.check("login-ip", "a", 1, 100);
        assertThat(one.retryAfter()).isEqualTo(Duration.ofMillis(400));
        assertThat(one.source()).isEqualTo(DecisionSource.LOCAL_DENY);
        assertThat(cache.check("login-ip", "a", 1, 100))
                .as("same millisecond, same object")
                .isSameAs(one);
        assertThat(cache.check("login-ip", "a", 3, 100).retryAfter()).isEqualTo(Duration.ofMillis(2_400));
        assertThat(cache.check("login-ip", "a", 1, 500)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void refusalsShorterThanAMillisecondAreNotCached() {
        DenyCache cache = new DenyCache(10);
        assertThat(cache.remember(
                        Check.of(POLICY, "a"),
                        new Decision(
                                "login-ip",
                                false,
                                10,
                                0,
                                Duration.ofNanos(999_000),
                                Duration.ofSeconds(1),
                                DecisionSource.REDIS),
                        0))
                .isFalse();
    }
}
