package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * redis-server is SIGKILLed while 8 callers make decisions, then restarted. No decision may wait past
 * the command timeout, none may throw, the in-memory fallback takes over (health degraded), fail-open and
 * fail-closed policies answer as configured, and Redis decides again after the restart (health healthy).
 *
 * <p>Built to hold on a loaded 2-core machine: each caller decides once per millisecond from a scheduled
 * pool (in-memory fallback decisions take microseconds, so a busy loop would take both cores from
 * redis-server and Lettuce), the waits are Awaitility with generous bounds, and the one time bound has a
 * slack far below what a decision would wait without the command timeout.
 */
class RateLimitFaultIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
    /** Set long on purpose: a decision that waited for a reconnect would take this long, and fail the bound. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Scheduling delay a decision may add to the command timeout on a loaded machine; the bound is about
     * waiting, not speed (without the command timeout: the 10 s connect timeout, or forever).
     */
    private static final Duration SLACK = Duration.ofSeconds(2);

    @Test
    void redisKilledUnderLoadFallsBackAtOnceAndResumesAfterRestart() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start();
                Stores stores = RetryingConnect.open(GatehouseConfig.builder()
                        .redisUrl(redis.url())
                        .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                        .set("gatehouse.redis.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms")
                        .set("gatehouse.redis.circuit.retry-interval", "100ms")
                        .build());
                RateLimiter limiter = RateLimiter.builder().stores(stores).build()) {

            RatePolicy fallback = RatePolicy.of("api-user", Limit.of(1_000_000, Duration.ofSeconds(1)));
            RatePolicy open = RatePolicy.of("api-ip", Limit.perMinute(1)).withStoreDownMode(StoreDownMode.FAIL_OPEN);
            RatePolicy closed =
                    RatePolicy.of("login-ip", Limit.perMinute(100)).withStoreDownMode(StoreDownMode.FAIL_CLOSED);

            AtomicLong longestNanos = new AtomicLong();
            AtomicInteger phase = new AtomicInteger();
            AtomicLong[] longestByPhase = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
            Map<DecisionSource, LongAdder> sources = new EnumMap<>(DecisionSource.class);
            for (DecisionSource s : DecisionSource.values()) {
                sources.put(s, new LongAdder());
            }
            ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
            ScheduledExecutorService callers = Executors.newScheduledThreadPool(8);
            for (int t = 0; t < 8; t++) {
                String subject = "user-" + t;
                callers.scheduleWithFixedDelay(
                        () -> {
                            long start = System.nanoTime();
                            try {
                                sources.get(limiter.decide(fallback, subject).source())
                                        .increment();
                            } catch (Throwable e) {
                                thrown.add(e);
                            }
                            long took = System.nanoTime() - start;
                            longestNanos.accumulateAndGet(took, Math::max);
                            longestByPhase[phase.get()].accumulateAndGet(took, Math::max);
                        },
                        0,
                        1,
                        TimeUnit.MILLISECONDS);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sources.get(DecisionSource.REDIS).sum() > 100);
            assertThat(limiter.health()).isEqualTo(HealthStatus.HEALTHY);

            phase.set(1);
            redis.node().kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sources.get(DecisionSource.FALLBACK).sum() > 100);
            long fallbackAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(limiter.health()).isEqualTo(HealthStatus.DEGRADED);

            Decision o = limiter.decide(open, "10.0.0.1");
            assertThat(o.allowed()).isTrue();
            assertThat(o.source()).isEqualTo(DecisionSource.FAIL_OPEN);
            assertThat(limiter.decide(open, "10.0.0.1").allowed())
                    .as("fail-open ignores the limit")
                    .isTrue();
            Decision c = limiter.decide(closed, "10.0.0.1");
            assertThat(c.allowed()).isFalse();
            assertThat(c.source()).isEqualTo(DecisionSource.FAIL_CLOSED);
            assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            MultiDecision mixed = limiter.decideAll(Check.of(fallback, "user-0"), Check.of(closed, "10.0.0.1"));
            assertThat(mixed.allowed())
                    .as("a fail-closed limit refuses the whole request")
                    .isFalse();

            long redisBefore = sources.get(DecisionSource.REDIS).sum();
            phase.set(2);
            redis.node().restart();
            long restartedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sources.get(DecisionSource.REDIS).sum() > redisBefore + 100);
            long resumedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            await().atMost(Duration.ofSeconds(30)).until(() -> limiter.health() == HealthStatus.HEALTHY);
            assertThat(limiter.decide(closed, "10.0.0.2").source()).isEqualTo(DecisionSource.REDIS);

            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            System.out.printf(
                    "rate-limit fault test: fallback engaged %d ms after SIGKILL, Redis decisions resumed %d ms "
                            + "after restart, longest decision %d ms (before kill %d, while down %d, after restart %d), decisions by source %s%n",
                    fallbackAfterMs,
                    resumedAfterMs,
                    TimeUnit.NANOSECONDS.toMillis(longestNanos.get()),
                    TimeUnit.NANOSECONDS.toMillis(longestByPhase[0].get()),
                    TimeUnit.NANOSECONDS.toMillis(longestByPhase[1].get()),
                    TimeUnit.NANOSECONDS.toMillis(longestByPhase[2].get()),
                    sources);
            assertThat(thrown)
                    .as("decisions never throw for an unavailable store")
                    .isEmpty();
            assertThat(Duration.ofNanos(longestNanos.get())).isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(SLACK));
        }
    }
}
