package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.store.CircuitState;
import io.gatehouse.testkit.FaultProxy;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that is slow rather than dead, under a steady logout load: 100 ms added each way by a
 * {@link FaultProxy} (calls succeed, slower, and nothing times out), then {@code CLIENT PAUSE} for 5 s
 * (calls time out within the command timeout, the circuit opens so the rest fail at once instead of
 * queueing, and everything recovers by itself when the pause ends).
 */
class SlowRedisIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a shared 2-core machine; the bound is about waiting, not speed. */
    private static final Duration SLACK = Duration.ofMillis(500);

    @TempDir
    Path dir;

    @Test
    void latencySlowsCallsAndAPauseFailsThemFastThenRecovers() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start();
                FaultProxy proxy = FaultProxy.start(redis.node())) {
            GatehouseConfig config = GatehouseConfig.builder()
                    .redisUrl(proxy.url())
                    .dataDir(dir)
                    .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                    .set("gatehouse.tokens.revocation.read-block", "100ms")
                    .build();
            try (Stores stores = Stores.open(config);
                    TokenService tokens =
                            TokenService.builder().config(config).stores(stores).build()) {
                proxy.latency(Duration.ofMillis(100));
                RevocationLoad slow = new RevocationLoad(tokens, "slow", 4);
                slow.awaitMore(20, Duration.ofSeconds(30));
                slow.close();
                System.out.printf(
                        "100 ms latency: %d acknowledged, failures %s, longest call %d ms, longest revocation %d ms%n",
                        slow.acknowledged().size(),
                        slow.failures(),
                        slow.longestCall().toMillis(),
                        slow.longestRevocation().toMillis());
                assertThat(slow.failures())
                        .as("100 ms each way is well within the command timeout")
                        .isEmpty();
                assertThat(slow.foreign()).isEmpty();
                proxy.heal();

                RevocationLoad paused = new RevocationLoad(tokens, "paused", 4);
                paused.awaitMore(20, Duration.ofSeconds(10));
                redis.node().cli("CLIENT", "PAUSE", "5000", "ALL");
                long pausedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> StoresRedis.of(stores, Purpose.TOKENS)
                                        .orElseThrow()
                                        .circuitState()
                                == CircuitState.OPEN);
                int before = paused.acknowledged().size();
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> paused.acknowledged().size() > before + 10);
                Duration outage = paused.longestGap(pausedAt, System.nanoTime());
                paused.close();
                System.out.printf(
                        "CLIENT PAUSE 5 s: %d acknowledged, failures %s, longest call %d ms, longest revocation %d ms, longest time"
                                + " without an acknowledged write %d ms%n",
                        paused.acknowledged().size(),
                        paused.failures(),
                        paused.longestCall().toMillis(),
                        paused.longestRevocation().toMillis(),
                        outage.toMillis());
                assertThat(paused.foreign()).isEmpty();
                assertThat(paused.failures()).containsKey("StoreTimeoutException");
                assertThat(paused.longestRevocation()).isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(SLACK));
                // Back within 2 s of the pause's end.
                assertThat(outage).isLessThanOrEqualTo(Duration.ofSeconds(7));
            }
        }
    }
}
