package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisClusterDeploymentIntegrationTest {

    @Test
    void clusterIsReadyOnEveryNode(RedisClusterDeployment cluster) {
        assertThat(cluster.masters()).hasSize(3);
        List<String> addresses = new ArrayList<>();
        for (RedisNode node : cluster.masters()) {
            assertThat(node.cli("PING")).isEqualTo("PONG");
            Map<String, String> info = Replies.infoFields(node.cli("CLUSTER", "INFO"));
            assertThat(info).containsEntry("cluster_state", "ok").containsEntry("cluster_size", "3");
            addresses.add("127.0.0.1:" + node.port());
        }
        assertThat(cluster.url()).isEqualTo("redis-cluster://" + String.join(",", addresses));
        assertThat(cluster.topology()).isEqualTo(Topology.CLUSTER);
    }

    @Test
    void flushAllEmptiesEveryMaster(RedisClusterDeployment cluster) {
        for (RedisNode node : cluster.masters()) {
            writeAKeyOwnedBy(node);
        }
        cluster.flushAll();
        for (RedisNode node : cluster.masters()) {
            assertThat(node.cli("DBSIZE")).isEqualTo("0");
        }
    }

    @Test
    void annotatedParameterGetsTheSameSharedCluster(
            @RedisTopology(Topology.CLUSTER) RedisDeployment deployment, RedisClusterDeployment cluster) {
        assertThat(deployment).isSameAs(cluster).isSameAs(SharedRedis.get(Topology.CLUSTER));
    }

    /** cli does not follow MOVED, so try keys until one lands in this node's slots. */
    private static void writeAKeyOwnedBy(RedisNode node) {
        for (int i = 0; i < 1000; i++) {
            try {
                node.cli("SET", "gatehouse:k" + i, "v");
                return;
            } catch (IllegalStateException movedElsewhere) {
                // next key
            }
        }
        throw new AssertionError("no key of 1000 hashed to " + node);
    }
}
