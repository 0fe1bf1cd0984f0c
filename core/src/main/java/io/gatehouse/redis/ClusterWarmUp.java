package io.gatehouse.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/*
 * Lettuce opens a cluster connection's per-node connections lazily, on the first command routed to a
 * node. With DisconnectedBehavior.REJECT_COMMANDS (which is what makes calls fail fast while Redis is
 * down) a command that arrives while such a node connection is still being set up is rejected as
 * "not connected", and would trip the circuit breaker of a perfectly healthy cluster. So every
 * cluster connection is warmed up when it is opened: one routed command per master, repeated until
 * each has answered. Later reconnects are Lettuce's; failures during them are real outages.
 */
final class ClusterWarmUp {
    private ClusterWarmUp() {}

    static void warmUp(StatefulRedisClusterConnection<String, String> connection, String prefix, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.getSlots().isEmpty()) {
                continue;
            }
            String key = keyInSlot(prefix, node.getSlots().get(0));
            while (true) {
                try {
                    connection.async().exists(key).get(within.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while connecting to the cluster", e);
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "cluster node " + node.getUri().getHost() + ":"
                                        + node.getUri().getPort() + " did not answer: "
                                        + LettuceErrors.unwrap(e).getMessage(),
                                e);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while connecting to the cluster", ie);
                    }
                }
            }
        }
    }

    /** A key under the prefix (so ACL key patterns allow it) that hashes to {@code slot}. */
    static String keyInSlot(String prefix, int slot) {
        for (int i = 0; ; i++) {
            String key = prefix + ":warmup:{" + i + "}";
            if (SlotHash.getSlot(key) == slot) {
                return key;
            }
        }
    }
}
