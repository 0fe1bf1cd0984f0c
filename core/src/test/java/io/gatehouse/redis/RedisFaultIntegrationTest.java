package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreUnavailableException;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * redis-server is killed with SIGKILL and restarted while 8 threads issue commands. No call may wait
 * past the command timeout, no exception type but Gatehouse's may escape, calls fail fast while the
 * circuit is open, and commands succeed again within 2 s of the restart.
 */
class RedisFaultIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a loaded 2-core machine; the bound is about waiting, not speed. */
    private static final Duration SLACK = Duration.ofMillis(300);

    @Test
    void survivesSigkillAndRestart() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start();
                RedisConnector connector = RedisConnector.connect(GatehouseConfig.builder()
                        .redisUrl(redis.url())
                        .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                        .build()
                        .redis(Purpose.TOKENS)
                        .orElseThrow())) {

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
            AtomicLong longestCallNanos = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicLong fastFailures = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> foreign = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch started = new CountDownLatch(8);
            for (int t = 0; t < 8; t++) {
                String key = connector.keys().key("fault", "t" + t);
                pool.submit(() -> {
                    started.countDown();
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            connector.sync(c -> c.incr(key));
                            lastSuccessNanos.set(System.nanoTime());
                        } catch (StoreException e) {
                            failures.incrementAndGet();
                            if (e instanceof StoreUnavailableException
                                    && e.getMessage().contains("circuit open")) {
                                fastFailures.incrementAndGet();
                            }
                            Thread.onSpinWait();
                        } catch (Throwable e) {
                            foreign.add(e);
                        }
                        longestCallNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                });
            }
            started.await();
            awaitSuccessAfter(lastSuccessNanos, System.nanoTime(), Duration.ofSeconds(2));

            redis.node().kill();
            long killedAt = System.nanoTime();
            awaitCondition(() -> connector.circuitState() == CircuitState.OPEN, Duration.ofSeconds(2));
            long openedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            long fastBefore = fastFailures.get();
            awaitCondition(() -> fastFailures.get() > fastBefore + 100, Duration.ofSeconds(2));

            redis.node().restart();
            long restartedAt = System.nanoTime();
            long recoveredAt = awaitSuccessAfter(lastSuccessNanos, restartedAt, Duration.ofSeconds(2));

            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

            long recoveryMs = TimeUnit.NANOSECONDS.toMillis(recoveredAt - restartedAt);
            System.out.printf(
                    "fault test: circuit open %d ms after SIGKILL, %d failed calls (%d rejected by the open circuit), "
                            + "longest call %d ms, recovery %d ms after restart%n",
                    openedAfterMs,
                    failures.get(),
                    fastFailures.get(),
                    TimeUnit.NANOSECONDS.toMillis(longestCallNanos.get()),
                    recoveryMs);
            assertThat(foreign).as("exceptions that are not Gatehouse's").isEmpty();
            assertThat(failures.get()).isPositive();
            assertThat(Duration.ofNanos(longestCallNanos.get())).isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(SLACK));
            assertThat(recoveryMs).isLessThanOrEqualTo(2000);
            assertThat(connector.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }

    private static long awaitSuccessAfter(AtomicLong lastSuccess, long after, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            long s = lastSuccess.get();
            if (s > after) {
                return s;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no successful command within " + limit);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.onSpinWait();
        }
    }
}
