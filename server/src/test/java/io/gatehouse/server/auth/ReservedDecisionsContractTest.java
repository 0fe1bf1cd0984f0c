package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ratelimit.Check;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.Limit;
import io.gatehouse.ratelimit.MultiDecision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.ratelimit.TimeSource;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The introspect-client ceiling decided in batches: never more allowed than the policy, the same refusal
 * point as one-by-one decisions, fewer decisions of the limiter, reservations that do not outlive a second.
 * The limiter runs on a frozen test clock (nothing drains), on Redis and in memory.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(
        value = Backend.class,
        names = {"IN_MEMORY", "STANDALONE"})
class ReservedDecisionsContractTest {
    /** Burst 5,000: batches of 5 (a thousandth of the burst). */
    private static final RatePolicy POLICY = RatePolicy.of("introspect-client", Limit.of(5_000, Duration.ofHours(1)));

    @Parameter
    Backend backend;

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AtomicLong nanos = new AtomicLong();
    private RateLimiter shared;
    private Counting limiter;

    /** Counts the decisions that reach the real limiter (each one a round trip on Redis). */
    private static final class Counting implements RateLimiter {
        final RateLimiter real;
        final AtomicLong decisions = new AtomicLong();

        Counting(RateLimiter real) {
            this.real = real;
        }

        @Override
        public Decision decide(RatePolicy policy, String subject, long cost) {
            decisions.incrementAndGet();
            return real.decide(policy, subject, cost);
        }

        @Override
        public MultiDecision decideAll(List<Check> checks) {
            return real.decideAll(checks);
        }

        @Override
        public Decision peek(RatePolicy policy, String subject) {
            return real.peek(policy, subject);
        }

        @Override
        public void reset(RatePolicy policy, String subject) {
            real.reset(policy, subject);
        }

        @Override
        public HealthStatus health() {
            return real.health();
        }

        @Override
        public void close() {}
    }

    @BeforeEach
    void start() {
        backend.flush();
        RateLimiter.Builder b = RateLimiter.builder().clock(clock).timeSource(TimeSource.CLIENT);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        shared = b.build();
        limiter = new Counting(shared);
    }

    @AfterEach
    void stop() {
        shared.close();
    }

    private boolean allowed(ReservedDecisions d, String subject) {
        Decision x = d.decide(subject);
        return x == null || x.allowed();
    }

    @Test
    void twoInstancesTogetherAllowExactlyTheBurstAndThenRefuse() {
        ReservedDecisions a = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        ReservedDecisions b = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        assertThat(a.batch()).isEqualTo(5);
        int allowed = 0;
        for (int i = 0; i < 6_000; i++) {
            allowed += allowed(i % 3 == 0 ? b : a, "gateway") ? 1 : 0;
        }
        // Every reserved unit was spent by the alternating calls: exactly the policy's burst, no more.
        assertThat(allowed).isEqualTo(5_000);
        assertThat(allowed(a, "gateway")).isFalse();
        assertThat(allowed(b, "gateway")).isFalse();
        // Another subject has its own allowance.
        assertThat(allowed(a, "other")).isTrue();
        if (backend.isRedis()) {
            // Far from the limit one decision per batch; near it (the last 2 batches) and past it, one each.
            assertThat(limiter.decisions.get()).isLessThan(2_500);
        }
    }

    @Test
    void aRefusalIsTheLimitersOwn() {
        ReservedDecisions a = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        for (int i = 0; i < 5_000; i++) {
            assertThat(allowed(a, "gateway")).isTrue();
        }
        Decision refused = a.decide("gateway");
        assertThat(refused).isNotNull();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive();
        assertThat(refused.source()).isIn(DecisionSource.REDIS, DecisionSource.MEMORY, DecisionSource.LOCAL_DENY);
    }

    @Test
    void reservationsAreDroppedAfterASecond() {
        if (!backend.isRedis()) {
            // In memory nothing is reserved (batch 1 is what the server uses there); same check, other rule.
            ReservedDecisions one = new ReservedDecisions(limiter, POLICY, 1, nanos::get);
            allowed(one, "gateway");
            allowed(one, "gateway");
            assertThat(limiter.decisions.get()).isEqualTo(2);
            return;
        }
        ReservedDecisions a = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        assertThat(allowed(a, "gateway")).isTrue();
        assertThat(allowed(a, "gateway")).isTrue();
        assertThat(limiter.decisions.get()).isEqualTo(1);
        nanos.addAndGet(ReservedDecisions.HOLD_NANOS);
        // Three units of the first batch are left, but held for a second already: a new batch is taken.
        assertThat(allowed(a, "gateway")).isTrue();
        assertThat(limiter.decisions.get()).isEqualTo(2);
        assertThat(shared.peek(POLICY, "gateway").remaining()).isEqualTo(5_000 - 10);
    }
}
