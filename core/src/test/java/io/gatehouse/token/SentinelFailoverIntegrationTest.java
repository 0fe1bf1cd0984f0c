package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.StoreUnavailableException;
import io.gatehouse.testkit.RedisNode;
import io.gatehouse.testkit.SentinelDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel failover (a master and 2 replicas) under a steady logout load from two instances, one with
 * {@code durability = replicated}, one with the default {@code async}. Afterwards not one revocation the
 * replicated instance acknowledged is missing from the new master, a third instance (the stream reader)
 * refuses every one of its revoked tokens, the writer's circuit opened and closed by itself, and nothing
 * was restarted on Gatehouse's side. What the async instance lost is measured and printed. The new master
 * does not know the scripts (the test flushes its script cache): NOSCRIPT is answered with EVAL.
 *
 * <p>{@code SENTINEL FAILOVER} leaves the old master running and accepting writes until the Sentinels
 * demote it (8 s later), and the other replica keeps confirming them until it is told to follow the new
 * master: only a write confirmed by every replica is sure to survive it ({@code replicas = 2}). When the
 * master dies instead, the Sentinels promote the replica with the most data, so one confirmation is
 * enough ({@code replicas = 1}) and writes go on with the remaining replica.
 */
class SentinelFailoverIntegrationTest {
    private static final Duration FAILOVER = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private record Instance(RedisConnector redis, TokenService tokens) {}

    private Instance instance(SentinelDeployment redis, String name, Map<String, String> settings) {
        GatehouseConfig.Builder b = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .dataDir(dataDir.resolve(name))
                .set("gatehouse.redis.command-timeout", "1s")
                .set("gatehouse.tokens.revocation.read-block", "200ms");
        settings.forEach(b::set);
        GatehouseConfig config = b.build();
        Stores stores = closing(Stores.open(config));
        return new Instance(
                StoresRedis.of(stores, Purpose.TOKENS).orElseThrow(),
                closing(TokenService.builder().config(config).stores(stores).build()));
    }

    @Test
    void sentinelFailoverLosesNothingEveryReplicaConfirmed() throws Exception {
        run("SENTINEL FAILOVER", 2, redis -> {
            RedisNode old = redis.master();
            redis.sentinels().get(0).cli("SENTINEL", "FAILOVER", redis.masterName());
            await().atMost(FAILOVER).until(() -> redis.master() != old);
        });
    }

    @Test
    void masterKilledLosesNothingAReplicaConfirmed() throws Exception {
        run("kill -9 of the master", 1, redis -> {
            RedisNode old = redis.master();
            old.kill();
            await().atMost(FAILOVER).until(() -> redis.master() != old);
        });
    }

    private void run(String fault, int replicas, java.util.function.Consumer<SentinelDeployment> inject)
            throws Exception {
        SentinelDeployment redis = closing(SentinelDeployment.start(2));
        Instance writer = instance(
                redis,
                "replicated",
                Map.of(
                        "gatehouse.redis.durability", "replicated",
                        "gatehouse.redis.durability.replicas", Integer.toString(replicas),
                        "gatehouse.redis.durability.timeout", "500ms"));
        Instance asyncWriter = instance(redis, "async", Map.of());
        Instance reader = instance(redis, "reader", Map.of());

        AtomicBoolean sawOpen = new AtomicBoolean();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                if (writer.redis().circuitState() == CircuitState.OPEN) {
                    sawOpen.set(true);
                }
                LockSupport.parkNanos(1_000_000);
            }
        });
        watcher.setDaemon(true);
        watcher.start();

        RevocationLoad load = closing(new RevocationLoad(writer.tokens(), "replicated", 4));
        RevocationLoad asyncLoad = closing(new RevocationLoad(asyncWriter.tokens(), "async", 2));
        load.awaitMore(30, Duration.ofSeconds(20));
        asyncLoad.awaitMore(30, Duration.ofSeconds(20));

        long faultAt = System.nanoTime();
        inject.accept(redis);
        redis.master().cli("SCRIPT", "FLUSH");
        load.awaitMore(30, FAILOVER);
        asyncLoad.awaitMore(30, FAILOVER);
        Duration outage = load.longestGap(faultAt, System.nanoTime());
        Duration asyncOutage = asyncLoad.longestGap(faultAt, System.nanoTime());
        load.close();
        asyncLoad.close();
        watching.set(false);

        List<String> lost = missingOnceAvailable(reader.redis(), load.acknowledged());
        List<String> asyncLost = missingOnceAvailable(reader.redis(), asyncLoad.acknowledged());
        System.out.printf(
                "%s: replicated (%d of 2 replicas): %d acknowledged, %d lost, longest time without an"
                        + " acknowledged write %d ms, failures %s, longest call %d ms; async: %d acknowledged, %d lost,"
                        + " longest gap %d ms, failures %s%n",
                fault,
                replicas,
                load.acknowledged().size(),
                lost.size(),
                outage.toMillis(),
                load.failures(),
                load.longestCall().toMillis(),
                asyncLoad.acknowledged().size(),
                asyncLost.size(),
                asyncOutage.toMillis(),
                asyncLoad.failures());
        assertThat(load.foreign()).isEmpty();
        assertThat(asyncLoad.foreign()).isEmpty();
        assertThat(lost)
                .as("acknowledged replicated revocations missing on the new master")
                .isEmpty();
        // One evaluation verifies every acknowledged token (about 1,200 ES256 signatures, several seconds of CPU
        // with the test JVM's C1-only code at load 40): the bound is for convergence, not for speed.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(load.acknowledged())
                        .allSatisfy(a -> assertThat(TestTokenServices.reasonOf(reader.tokens(), a.accessToken()))
                                .isEqualTo(RejectReason.REVOKED_SESSION)));
        assertThat(sawOpen)
                .as("the writer's circuit opened during the failover")
                .isTrue();
        assertThat(writer.redis().circuitState()).isEqualTo(CircuitState.CLOSED);
    }

    /**
     * {@link #missing} once the reader's connector answers again: its circuit may still be open from the
     * failover (a connection reset on the old master) when the load stops, more so on a loaded machine. The
     * wait is bounded; what is missing is asserted by the caller, never retried away.
     */
    private static List<String> missingOnceAvailable(RedisConnector redis, List<RevocationLoad.Acknowledged> acked) {
        return await().atMost(FAILOVER)
                .ignoreException(StoreUnavailableException.class)
                .until(() -> missing(redis, acked), result -> true);
    }

    /** The acknowledged sessions the master has no revocation for (HMGET through a Gatehouse connector). */
    static List<String> missing(RedisConnector redis, List<RevocationLoad.Acknowledged> acked) {
        List<String> lost = new ArrayList<>();
        for (int from = 0; from < acked.size(); from += 500) {
            String[] ids = acked.subList(from, Math.min(acked.size(), from + 500)).stream()
                    .map(RevocationLoad.Acknowledged::sessionId)
                    .toArray(String[]::new);
            redis.sync(c -> c.hmget("gatehouse:rev:{log}:session:info", ids)).forEach(kv -> {
                if (!kv.hasValue()) {
                    lost.add(kv.getKey());
                }
            });
        }
        return lost;
    }
}
