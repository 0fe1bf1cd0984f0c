package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreUnavailableException;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * redis-server is killed with SIGKILL and restarted while 8 callers issue commands. No call may wait
 * past the command timeout, no exception type but Gatehouse's may escape, calls fail fast while the
 * circuit is open, and commands succeed again after the restart without any action.
 *
 * <p>Built to hold on a loaded 2-core machine: each caller issues one command per millisecond from a
 * scheduled pool (no busy loop competing with redis-server and Lettuce's event loop for the CPU), the
 * waits are Awaitility with generous bounds, and the one time bound (a call's duration) has a slack that
 * absorbs scheduling delays yet stays far below what a call would wait without the command timeout.
 */
class RedisFaultIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** Set long on purpose: a call that waited for a reconnect would take this long, and fail the bound. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Scheduling delay a call may add to the command timeout on a loaded machine. The bound is about
     * waiting, not speed: without the command timeout a call would wait for the connect timeout (10 s)
     * or, queued while disconnected, forever.
     */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** Generous: the mechanism (probe every 100 ms, reconnect backoff capped at 500 ms) recovers in well under 1 s. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

    @Test
    void survivesSigkillAndRestart() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start();
                RedisConnector connector = RetryingConnect.connect(
                        GatehouseConfig.builder()
                                .redisUrl(redis.url())
                                .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                                .set("gatehouse.redis.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms")
                                .build(),
                        Purpose.TOKENS)) {

            AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
            AtomicLong longestCallNanos = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicLong fastFailures = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> foreign = new ConcurrentLinkedQueue<>();
            ScheduledExecutorService callers = Executors.newScheduledThreadPool(8);
            for (int t = 0; t < 8; t++) {
                String key = connector.keys().key("fault", "t" + t);
                callers.scheduleWithFixedDelay(
                        () -> {
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
                            } catch (Throwable e) {
                                foreign.add(e);
                            }
                            longestCallNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                        },
                        0,
                        1,
                        TimeUnit.MILLISECONDS);
            }
            long startedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> lastSuccessNanos.get() > startedAt);

            redis.node().kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> connector.circuitState() == CircuitState.OPEN);
            long openedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            long fastBefore = fastFailures.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> fastFailures.get() > fastBefore + 100);

            redis.node().restart();
            long restartedAt = System.nanoTime();
            await().atMost(RECOVERY_BOUND).until(() -> lastSuccessNanos.get() > restartedAt);
            long recoveryMs = TimeUnit.NANOSECONDS.toMillis(lastSuccessNanos.get() - restartedAt);

            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
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
            assertThat(connector.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }
}
