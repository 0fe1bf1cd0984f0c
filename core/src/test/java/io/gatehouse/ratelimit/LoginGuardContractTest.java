package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Brute-force lockout, on the in-memory store and every Redis topology, with a hand-moved clock. */
class LoginGuardContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final List<String> events = new ArrayList<>();

    private LoginGuard guard(LockoutPolicy policy) {
        LoginGuard.Builder b = LoginGuard.builder()
                .policy(policy)
                .clock(clock)
                .timeSource(TimeSource.CLIENT)
                .listener(new RateLimitListener() {
                    @Override
                    public void lockedOut(String dimension, String ip, String account, LockoutStatus status) {
                        events.add(dimension + " " + ip + " " + account + " " + status.retryAfter());
                    }
                });
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        return b.build();
    }

    private static LockoutPolicy policy(int account, int ipAccount, int ip, int permanentAfter) {
        return new LockoutPolicy(
                account,
                ipAccount,
                ip,
                Duration.ofMinutes(1),
                Duration.ofMinutes(3),
                Duration.ofMinutes(15),
                permanentAfter,
                false);
    }

    @Test
    void ipAccountPairLocksWithGrowingCappedWaits() {
        LoginGuard g = guard(policy(0, 3, 0, 0));
        Duration[] expected = {
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(3)
        };
        for (Duration wait : expected) {
            assertThat(g.failure("10.0.0.1", "alice").locked()).isFalse();
            assertThat(g.failure("10.0.0.1", "alice").locked()).isFalse();
            LockoutStatus s = g.failure("10.0.0.1", "alice");
            assertThat(s.locked()).isTrue();
            assertThat(s.permanent()).isFalse();
            assertThat(s.retryAfter()).isEqualTo(wait);
            clock.advance(wait.minusMillis(1));
            assertThat(g.check("10.0.0.1", "alice").retryAfter()).isEqualTo(Duration.ofMillis(1));
            assertThat(g.failure("10.0.0.1", "alice").locked())
                    .as("failures while locked are not counted")
                    .isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(g.check("10.0.0.1", "alice").locked()).isFalse();
        }
        assertThat(events).hasSize(4).allMatch(e -> e.startsWith("ip-account 10.0.0.1 alice"));
    }

    @Test
    void byDefaultAnAttackerLocksOnlyItselfNotTheVictim() {
        LoginGuard g = guard(LockoutPolicy.defaults());
        for (int i = 0; i < 5; i++) {
            g.failure("203.0.113.7", "alice");
        }
        assertThat(g.check("203.0.113.7", "alice").locked()).isTrue();
        assertThat(g.check("198.51.100.1", "alice").locked())
                .as("alice from her own address")
                .isFalse();
    }

    @Test
    void accountDimensionLocksFromEveryAddressWhenSwitchedOn() {
        LoginGuard g = guard(policy(4, 0, 0, 0));
        for (int i = 0; i < 4; i++) {
            g.failure("10.0.0." + i, "alice");
        }
        assertThat(g.check("10.9.9.9", "alice").locked()).isTrue();
        assertThat(g.check("10.9.9.9", "bob").locked()).isFalse();
    }

    @Test
    void ipDimensionCountsFailuresAcrossAccounts() {
        LoginGuard g = guard(policy(0, 0, 4, 0));
        for (int i = 0; i < 4; i++) {
            g.failure("10.0.0.1", "user" + i);
        }
        assertThat(g.check("10.0.0.1", "somebody-else").locked()).isTrue();
        assertThat(g.check("10.0.0.2", "user0").locked()).isFalse();
        g.unlockIp("10.0.0.1");
        assertThat(g.check("10.0.0.1", "somebody-else").locked()).isFalse();
    }

    @Test
    void permanentAfterNTemporaryLockoutsUntilAnAdministratorUnlocks() {
        LoginGuard g = guard(policy(0, 2, 0, 2));
        g.failure("10.0.0.1", "alice");
        assertThat(g.failure("10.0.0.1", "alice").permanent()).isFalse();
        clock.advance(Duration.ofMinutes(1));
        g.failure("10.0.0.1", "alice");
        LockoutStatus s = g.failure("10.0.0.1", "alice");
        assertThat(s.locked()).isTrue();
        assertThat(s.permanent()).isTrue();
        clock.advance(Duration.ofDays(30));
        assertThat(g.check("10.0.0.1", "alice").permanent()).isTrue();
        g.unlockAccount("alice");
        assertThat(g.check("10.0.0.1", "alice").locked()).isFalse();
        assertThat(g.failure("10.0.0.1", "alice").locked())
                .as("counting starts again from zero")
                .isFalse();
    }

    @Test
    void successResetsTheCounters() {
        LoginGuard g = guard(policy(0, 3, 0, 0));
        g.failure("10.0.0.1", "alice");
        g.failure("10.0.0.1", "alice");
        g.success("10.0.0.1", "alice");
        g.failure("10.0.0.1", "alice");
        assertThat(g.failure("10.0.0.1", "alice").locked()).isFalse();
        assertThat(g.failure("10.0.0.1", "alice").locked()).isTrue();
    }

    @Test
    void countersAreForgottenAfterTheFailureResetTime() {
        LoginGuard g = guard(policy(0, 3, 0, 0));
        g.failure("10.0.0.1", "alice");
        g.failure("10.0.0.1", "alice");
        clock.advance(Duration.ofMinutes(15));
        assertThat(g.failure("10.0.0.1", "alice").locked()).isFalse();
        assertThat(g.failure("10.0.0.1", "alice").locked()).isFalse();
        assertThat(g.failure("10.0.0.1", "alice").locked()).isTrue();
        if (backend.isRedis()) {
            String key = backend.connector().keys().key("lock", "alice", "ip:10.0.0.1");
            Long pttl = backend.connector().sync(c -> c.pttl(key));
            assertThat(pttl)
                    .as("Redis drops the counter after lockout + reset time")
                    .isBetween(
                            Duration.ofMinutes(16).minusSeconds(5).toMillis(),
                            Duration.ofMinutes(16).toMillis());
        }
    }

    @Test
    void anUnknownAccountIsAnsweredExactlyLikeAKnownOne() {
        LoginGuard g = guard(policy(0, 3, 0, 0));
        List<LockoutStatus> real = new ArrayList<>();
        List<LockoutStatus> ghost = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            real.add(g.failure("10.0.0.1", "alice@example.com"));
            ghost.add(g.failure("10.0.0.1", "nobody-here@example.com"));
        }
        assertThat(ghost).isEqualTo(real);
        assertThat(RateLimitResponse.lockedOut(ghost.get(3))).isEqualTo(RateLimitResponse.lockedOut(real.get(3)));
        assertThat(RateLimitResponse.lockedOut(real.get(3))
                        .refusal()
                        .orElseThrow()
                        .detail())
                .doesNotContain("alice");
    }

    @Test
    void refusesBadInputWithTypedErrors() {
        LoginGuard g = guard(LockoutPolicy.defaults());
        assertThatThrownBy(() -> g.failure("10.0.0.1", "a b"))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> g.failure("{x}", "alice"))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> g.check("10.0.0.1", "")).isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        if (backend.isRedis()) {
            assertThat(backend.keyCount()).isZero();
        }
    }

    @Test
    void listsTheLockoutsInForceNowAndNotThoseLiftedOrOver() {
        LoginGuard g = guard(policy(2, 2, 2, 0));
        g.failure("10.0.0.1", "alice");
        g.failure("10.0.0.1", "alice"); // locks alice (account), alice from 10.0.0.1, and 10.0.0.1
        g.failure("10.0.0.2", "bob"); // counted, not locked

        assertThat(g.lockedNow(100))
                .extracting(l -> l.dimension() + " " + l.account().orElse("-") + " " + l.ip().orElse("-"))
                .containsExactlyInAnyOrder("account alice -", "ip-account alice 10.0.0.1", "ip - 10.0.0.1");
        assertThat(g.lockedNow(100)).allSatisfy(l -> {
            assertThat(l.permanent()).isFalse();
            assertThat(l.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        });
        assertThat(g.lockedNow(1)).hasSize(1);

        g.unlockIp("10.0.0.1");
        assertThat(g.lockedNow(100))
                .extracting(ActiveLockout::dimension)
                .containsExactlyInAnyOrder("account", "ip-account");
        g.unlockAccount("alice");
        assertThat(g.lockedNow(100)).isEmpty();

        g.failure("10.0.0.3", "carol");
        g.failure("10.0.0.3", "carol");
        clock.advance(Duration.ofMinutes(1));
        assertThat(g.lockedNow(100)).as("a lockout that ran out").isEmpty();
        assertThatThrownBy(() -> g.lockedNow(0)).isInstanceOf(io.gatehouse.error.InvalidInputException.class);
    }

    @Test
    void listsPermanentLockoutsAndOneLockedAgainAfterAnUnlock() {
        LoginGuard g = guard(policy(2, 0, 0, 1)); // the first lockout of an account is permanent
        g.failure("10.0.0.1", "dave");
        g.failure("10.0.0.1", "dave");
        clock.advance(Duration.ofDays(400));
        assertThat(g.lockedNow(100)).singleElement().satisfies(l -> {
            assertThat(l.dimension()).isEqualTo("account");
            assertThat(l.account()).hasValue("dave");
            assertThat(l.permanent()).isTrue();
            assertThat(l.retryAfter()).isZero();
        });

        g.unlockAccount("dave");
        assertThat(g.lockedNow(100)).isEmpty();
        g.failure("10.0.0.1", "dave");
        g.failure("10.0.0.1", "dave");
        assertThat(g.lockedNow(100))
                .as("locked again after the unlock: listed again")
                .extracting(l -> l.account().orElseThrow())
                .containsExactly("dave");
    }

    @Test
    void listsFromAnIndexThatForgetsWhatWasLiftedOrRanOut() {
        LoginGuard g = guard(policy(0, 0, 1, 0));
        for (int i = 0; i < 150; i++) {
            g.failure("10.0.1." + i, "-"); // 150 addresses locked for a minute: more than one index page
        }
        assertThat(g.lockedNow(1_000)).hasSize(150).allMatch(l -> l.dimension().equals("ip"));
        assertThat(g.lockedNow(120)).hasSize(120);
        for (int i = 0; i < 100; i++) {
            g.unlockIp("10.0.1." + i);
        }
        assertThat(g.lockedNow(1_000))
                .extracting(l -> l.ip().orElseThrow())
                .hasSize(50)
                .allMatch(ip -> Integer.parseInt(ip.substring("10.0.1.".length())) >= 100);
        if (backend.isRedis()) {
            assertThat(indexSize())
                    .as("lifted lockouts leave the index when listed")
                    .isEqualTo(50);
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(g.lockedNow(1_000)).isEmpty();
        if (backend.isRedis()) {
            assertThat(indexSize()).as("lockouts that ran out leave the index").isZero();
        }
    }

    private int indexSize() {
        var redis = backend.connector();
        // ZRANGEBYSCORE, not ZCARD: the shipped ACL (the TLS backend) allows only what Gatehouse sends.
        return redis.sync(c -> c.zrangebyscore(
                        redis.keys().key("lockindex", "all", "until"), io.lettuce.core.Range.unbounded()))
                .size();
    }
}
