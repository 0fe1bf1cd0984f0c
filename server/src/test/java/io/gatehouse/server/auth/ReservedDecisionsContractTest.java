package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.Limit;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.ratelimit.TimeSource;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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
    private CountingLimiter limiter;

    @BeforeEach
    void start() {
        backend.flush();
        RateLimiter.Builder b = RateLimiter.builder().clock(clock).timeSource(TimeSource.CLIENT);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        shared = b.build();
        limiter = new CountingLimiter(shared);
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
    void theNextBatchIsTakenAheadWhileAQuarterOfTheReservationIsLeft() {
        ReservedDecisions a = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        assertThat(a.batch()).isEqualTo(5);
        assertThat(a.decide("gateway")).isNull(); // the first batch, waited for: 4 units left
        assertThat(a.decide("gateway")).isNull();
        assertThat(a.decide("gateway")).isNull();
        assertThat(limiter.decisions.get()).isEqualTo(1);
        // This one leaves 1 unit (a quarter of 5): it starts the next batch, and is allowed from the reservation.
        assertThat(a.decide("gateway")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.refilling("gateway"));
        assertThat(limiter.decisions.get()).isEqualTo(2);
        assertThat(a.held("gateway")).isEqualTo(6);
        assertThat(shared.peek(POLICY, "gateway").remaining()).isEqualTo(5_000 - 10);
        // The 6 units in hand are spent without a decision until a quarter is left again.
        for (int i = 0; i < 4; i++) {
            assertThat(a.decide("gateway")).isNull();
        }
        assertThat(limiter.decisions.get()).isEqualTo(2);
        assertThat(a.decide("gateway")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.refilling("gateway"));
        assertThat(limiter.decisions.get()).isEqualTo(3);
        assertThat(a.held("gateway")).isEqualTo(6);
    }

    /**
     * Many threads on two instances, batches taken ahead while others spend: never a unit allowed that the
     * shared state did not count, none counted twice (allowed + still held = consumed in the limiter), and once
     * the callers stop, what is held is spent and the total is exactly the burst.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void concurrentCallersNeverGetMoreThanTheLimiterCounted(long seed) throws InterruptedException {
        Random random = new Random(seed);
        ReservedDecisions a = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        ReservedDecisions b = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        int threads = 4 + random.nextInt(13);
        AtomicLong allowed = new AtomicLong();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long callerSeed = random.nextLong();
            int calls = 7_000 / threads;
            callers.add(Thread.ofVirtual().unstarted(() -> {
                Random own = new Random(callerSeed);
                for (int i = 0; i < calls; i++) {
                    if (allowed(own.nextInt(3) == 0 ? b : a, "gateway")) {
                        allowed.incrementAndGet();
                    }
                }
            }));
        }
        callers.forEach(Thread::start);
        for (Thread t : callers) {
            t.join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.refilling("gateway") && !b.refilling("gateway"));
        long consumed = 5_000 - shared.peek(POLICY, "gateway").remaining();
        assertThat(allowed.get()).isLessThanOrEqualTo(5_000);
        assertThat(allowed.get() + a.held("gateway") + b.held("gateway")).isEqualTo(consumed);
        for (int i = 0; i < 200; i++) {
            allowed.addAndGet(allowed(i % 2 == 0 ? a : b, "gateway") ? 1 : 0);
        }
        assertThat(allowed.get()).isEqualTo(5_000);
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
