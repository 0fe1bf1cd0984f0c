package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.StoreUnavailableException;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.RedisClusterDeployment;
import io.gatehouse.testkit.RedisNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cluster of 3 masters with a replica each: the master holding the revocation log is killed with
 * {@code kill -9} under a steady logout load with {@code durability = replicated}; its replica takes
 * over after the node timeout (5 s) and the killed node, restarted, rejoins as its replica (until then
 * the new master has no replica to confirm writes, which fail as not durable). No acknowledged
 * revocation is missing afterwards, a second instance
 * refuses every revoked token, and writes resume without a restart (the topology is refreshed and
 * replicated writes go to the new master of the slot).
 *
 * <p>About 40 to 50 s (six redis-servers, the 5 s node timeout, the killed node's restart and resync). It was
 * opt-in for a while after it reported acknowledged revocations missing, which were put down to a stale read. They
 * were the test's own doing: it restarted the killed master, which has no persistence, once two separate reads of
 * the cluster's view said "three masters" and "the killed one is not among them"; between the reads the node was
 * flagged {@code fail?}, before any failover, so it came back as the master of its slots with nothing, and its
 * replica resynced from it and dropped everything. It now waits until the replica itself reports
 * {@code role:master} (see docs/RELIABILITY.md for the runs).
 */
class ClusterFailoverIntegrationTest {
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

    private TokenService service(
            RedisClusterDeployment redis, String name, Map<String, String> settings, RedisConnector[] connector) {
        GatehouseConfig.Builder b = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .dataDir(dataDir.resolve(name))
                .set("gatehouse.redis.command-timeout", "1s")
                .set("gatehouse.redis.connect-timeout", "5s")
                .set("gatehouse.tokens.revocation.read-block", "200ms");
        settings.forEach(b::set);
        GatehouseConfig config = b.build();
        // The first handshake is bounded by the 1 s command timeout, which a loaded machine can miss while six
        // fresh redis-servers settle: retried, as connecting is not what this test is about.
        Stores stores = closing(RetryingConnect.open(config));
        connector[0] = StoresRedis.of(stores, Purpose.TOKENS).orElseThrow();
        return closing(TokenService.builder().config(config).stores(stores).build());
    }

    @Test
    void masterOfTheRevocationLogKilledLosesNothingAReplicaConfirmed() throws Exception {
        RedisClusterDeployment redis = closing(RedisClusterDeployment.start(1));
        RedisConnector[] writerRedis = new RedisConnector[1];
        RedisConnector[] readerRedis = new RedisConnector[1];
        TokenService writer = service(
                redis,
                "writer",
                Map.of(
                        "gatehouse.redis.durability", "replicated",
                        "gatehouse.redis.durability.timeout", "500ms"),
                writerRedis);
        TokenService reader = service(redis, "reader", Map.of(), readerRedis);

        RevocationLoad load = closing(new RevocationLoad(writer, "cluster", 4));
        load.awaitMore(30, Duration.ofSeconds(20));
        RedisNode owner = ownerOf(redis, "gatehouse:rev:{log}:stream");
        RedisNode heir = replicaOf(redis, owner);
        long killAt = System.nanoTime();
        owner.kill();
        // Until the replica has taken over: it says so itself, and the cluster's view (read once) has three masters
        // without the owner. The owner has no persistence: restarted before the failover, it would come back as the
        // master of its slots with nothing, and its replica would resync from it and drop every revocation. An
        // earlier version read the view twice and passed between the reads when the owner was first flagged
        // "fail?", before any failover; the revocations it then reported lost were lost by the test's restart.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<RedisNode> masters = redis.masters();
            return heir.cli("INFO", "replication").contains("role:master")
                    && masters.size() == 3
                    && !masters.contains(owner);
        });
        // The promoted replica has no replica of its own: replicated writes on its slots fail (not
        // acknowledged) until the killed node is back; Redis Cluster makes it a replica of the new master.
        owner.restart();
        try {
            load.awaitMore(30, Duration.ofSeconds(60));
        } finally {
            System.out.printf(
                    "after the failover: failures %s, last errors %s%n", load.failures(), load.lastMessages());
        }
        Duration outage = load.longestGap(killAt, System.nanoTime());
        load.close();

        // The reader's view of the topology may still be catching up (refresh on MOVED, reconnects, 30 s).
        // Until every acknowledged revocation is read back, or a minute: a view still converging reads some as
        // missing for a moment; a lost write stays missing and fails below.
        List<List<String>> lastRead = new java.util.ArrayList<>(List.of(List.of()));
        try {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreException(StoreUnavailableException.class)
                    .until(() -> {
                        List<String> read =
                                SentinelFailoverIntegrationTest.missing(readerRedis[0], load.acknowledged());
                        lastRead.set(0, read);
                        return read.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported by the assertion below
        }
        List<String> lost = lastRead.get(0);
        System.out.printf(
                "cluster master kill -9, replicated: %d acknowledged, %d lost, longest time without an"
                        + " acknowledged write %d ms, failures %s, longest call %d ms%n",
                load.acknowledged().size(),
                lost.size(),
                outage.toMillis(),
                load.failures(),
                load.longestCall().toMillis());
        if (!lost.isEmpty()) {
            describe(redis, load.acknowledged(), lost, killAt);
        }
        assertThat(load.foreign()).isEmpty();
        assertThat(lost)
                .as("acknowledged revocations missing after the failover")
                .isEmpty();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(load.acknowledged())
                        .allSatisfy(a -> assertThat(TestTokenServices.reasonOf(reader, a.accessToken()))
                                .isEqualTo(RejectReason.REVOKED_SESSION)));
    }

    /**
     * For a failure: which lost revocations were acknowledged before the kill, each node's role and what it holds,
     * and the failover story from each node's log (the logs go with the nodes when the test closes them).
     */
    private static void describe(
            RedisClusterDeployment redis, List<RevocationLoad.Acknowledged> acked, List<String> lost, long killAt) {
        long lostBefore = acked.stream()
                .filter(a -> lost.contains(a.sessionId()) && a.completedNanos() < killAt)
                .count();
        System.out.printf("lost: %d acknowledged before the kill, %d after%n", lostBefore, lost.size() - lostBefore);
        for (RedisNode node : redis.nodes()) {
            System.out.printf("--- node %d (alive %s)%n", node.port(), node.isAlive());
            if (node.isAlive()) {
                try {
                    System.out.println(node.cli("INFO", "replication")
                            .lines()
                            .filter(l -> l.startsWith("role")
                                    || l.startsWith("master_port")
                                    || l.startsWith("master_link")
                                    || l.startsWith("connected_slaves")
                                    || l.startsWith("master_repl_offset"))
                            .toList());
                    System.out.println("dbsize " + node.cli("DBSIZE").trim());
                } catch (RuntimeException e) {
                    System.out.println("cannot read: " + e.getMessage());
                }
            }
            try {
                java.nio.file.Files.readAllLines(node.dir().resolve("redis.log")).stream()
                        .filter(l -> l.matches(".*(?i)(failover|master|replica|sync|epoch|fail|slot).*"))
                        .forEach(System.out::println);
            } catch (java.io.IOException e) {
                System.out.println("no log: " + e.getMessage());
            }
        }
    }

    /** The replica of {@code master} (one per master in this deployment). */
    private static RedisNode replicaOf(RedisClusterDeployment redis, RedisNode master) {
        return redis.nodes().stream()
                .filter(n -> n != master
                        && n.cli("INFO", "replication")
                                .lines()
                                .anyMatch(l -> l.trim().equals("master_port:" + master.port())))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no replica of " + master));
    }

    /** The master that serves {@code key} (the others answer MOVED, which redis-cli reports as an error). */
    private static RedisNode ownerOf(RedisClusterDeployment redis, String key) {
        for (RedisNode master : redis.masters()) {
            try {
                master.cli("EXISTS", key);
                return master;
            } catch (IllegalStateException moved) {
                // Not this one.
            }
        }
        throw new IllegalStateException("no master serves " + key);
    }
}
