package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.Limit;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.ratelimit.StoreDownMode;
import io.gatehouse.ratelimit.TimeSource;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The introspect-client batch taken ahead, with Redis holding the batch's decision back for real: the test
 * pauses Redis for writes (CLIENT PAUSE WRITE; the GCRA script is a write), so the decision waits in Redis
 * until the test unpauses it. A request that finds units does not wait for it; one that finds none waits for
 * that one decision, not a second one of its own.
 */
class ReservedDecisionsRefillIntegrationTest {
    /** Burst 5,000: batches of 5 (a thousandth of the burst), taken ahead when 1 unit is left. */
    private static final RatePolicy POLICY = RatePolicy.of("introspect-client", Limit.of(5_000, Duration.ofHours(1)));

    private static StandaloneRedis redis;
    private static Stores stores;

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final AtomicLong nanos = new AtomicLong();
    private RateLimiter shared;
    private CountingLimiter limiter;

    @BeforeAll
    static void startRedis() {
        redis = StandaloneRedis.start();
        // A command timeout far beyond the test: a held decision ends when the test unpauses Redis, never by
        // timing out into the store-down mode.
        stores = Stores.open(GatehouseConfig.builder()
                .redisUrl(redis.url())
                .set("gatehouse.redis.connect-timeout", "10s")
                .set("gatehouse.redis.command-timeout", "60s")
                .build());
    }

    @AfterAll
    static void stopRedis() {
        if (stores != null) {
            stores.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void start() {
        redis.flushAll();
        shared = RateLimiter.builder()
                .stores(stores)
                .clock(clock)
                .timeSource(TimeSource.CLIENT)
                .build();
        limiter = new CountingLimiter(shared);
    }

    @AfterEach
    void stop() {
        unpause();
        shared.close();
    }

    private static void pauseWrites() {
        redis.node().cli("CLIENT", "PAUSE", "60000", "WRITE");
    }

    private static void unpause() {
        redis.node().cli("CLIENT", "UNPAUSE");
    }

    /** Runs {@code decide} of {@code subject} in a thread of its own; its answers go to {@code answers}. */
    private static Thread caller(ReservedDecisions d, String subject, ConcurrentLinkedQueue<Boolean> answers) {
        return Thread.ofPlatform().start(() -> {
            Decision x = d.decide(subject);
            answers.add(x == null || x.allowed());
        });
    }

    private static void awaitWaiting(Thread t) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void aRequestThatFindsUnitsDoesNotWaitForTheBatchTakenAhead() throws InterruptedException {
        ReservedDecisions d = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        assertThat(d.batch()).isEqualTo(5);
        for (int i = 0; i < 3; i++) {
            assertThat(d.decide("gateway")).isNull(); // the first batch is waited for: 2 units left after these
        }
        assertThat(limiter.answered.get()).isEqualTo(1);

        pauseWrites();
        // Leaves 1 unit: starts the next batch, which Redis now holds back; the request is allowed at once.
        assertThat(d.decide("gateway")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> limiter.decisions.get() == 2);
        assertThat(limiter.answered.get()).isEqualTo(1);
        assertThat(d.refilling("gateway")).isTrue();
        // The last unit: still no wait.
        assertThat(d.decide("gateway")).isNull();
        assertThat(limiter.answered.get()).isEqualTo(1);

        // No unit left: this one waits for the batch in flight, and asks for no other.
        ConcurrentLinkedQueue<Boolean> answers = new ConcurrentLinkedQueue<>();
        Thread dry = caller(d, "gateway", answers);
        awaitWaiting(dry);
        assertThat(answers).isEmpty();
        assertThat(limiter.decisions.get()).isEqualTo(2);

        unpause();
        dry.join();
        assertThat(answers).containsExactly(true);
        assertThat(limiter.decisions.get()).isEqualTo(2);
        assertThat(d.held("gateway")).isEqualTo(4);
        assertThat(shared.peek(POLICY, "gateway").remaining()).isEqualTo(5_000 - 10);
    }

    @Test
    void callersThatRunDryTogetherWaitForOneBatch() throws InterruptedException {
        ReservedDecisions d = new ReservedDecisions(limiter, POLICY, 100, nanos::get);
        pauseWrites();
        ConcurrentLinkedQueue<Boolean> answers = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = caller(d, "gateway", answers);
            callers.add(t);
            awaitWaiting(t);
        }
        // Four requests and no unit: one decision of a batch, held in Redis; the others wait for it.
        assertThat(limiter.decisions.get()).isEqualTo(1);
        assertThat(answers).isEmpty();

        unpause();
        for (Thread t : callers) {
            t.join();
        }
        // All four spent units of that batch (the one that left a quarter took the next ahead).
        assertThat(answers).containsExactly(true, true, true, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !d.refilling("gateway"));
        long consumed = 5_000 - shared.peek(POLICY, "gateway").remaining();
        assertThat(consumed).isEqualTo(4 + d.held("gateway"));
        assertThat(limiter.decisions.get()).isEqualTo(consumed / 5);
    }

    @Test
    void whileRedisIsUnavailableThePolicysModeAnswers() {
        StandaloneRedis gone = StandaloneRedis.start();
        try (Stores down = Stores.open(GatehouseConfig.builder()
                        .redisUrl(gone.url())
                        .set("gatehouse.redis.connect-timeout", "10s")
                        .set("gatehouse.redis.command-timeout", "200ms")
                        .build());
                RateLimiter l = RateLimiter.builder().stores(down).build()) {
            ReservedDecisions closed =
                    new ReservedDecisions(l, POLICY.withStoreDownMode(StoreDownMode.FAIL_CLOSED), 100, nanos::get);
            ReservedDecisions open =
                    new ReservedDecisions(l, POLICY.withStoreDownMode(StoreDownMode.FAIL_OPEN), 100, nanos::get);
            gone.close();
            Decision refused = closed.decide("gateway");
            assertThat(refused).isNotNull();
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.source()).isEqualTo(DecisionSource.FAIL_CLOSED);
            assertThat(closed.decide("gateway").allowed()).isFalse();
            assertThat(closed.held("gateway")).isZero();
            // Fail-open: the batch the mode allows is reserved like any other.
            assertThat(open.decide("other")).isNull();
            assertThat(open.held("other")).isEqualTo(4);
        } finally {
            gone.close();
        }
    }
}
