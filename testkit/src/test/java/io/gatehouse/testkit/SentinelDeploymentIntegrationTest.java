package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class SentinelDeploymentIntegrationTest {

    @Test
    void sharedDeploymentIsMonitoredAndReplicated(SentinelDeployment redis) {
        assertThat(redis.masterName()).isEqualTo("gatehouse");
        assertThat(redis.master().cli("PING")).isEqualTo("PONG");
        assertThat(redis.master().cli("ROLE")).startsWith("master");
        assertThat(redis.replica().cli("ROLE")).startsWith("slave");
        assertThat(redis.masters()).containsExactly(redis.master());
        assertThat(redis.sentinels()).hasSize(3);
        List<String> addresses = new ArrayList<>();
        for (RedisNode sentinel : redis.sentinels()) {
            assertThat(sentinel.cli("PING")).isEqualTo("PONG");
            Map<String, String> view = Replies.pairs(sentinel.cli("SENTINEL", "MASTER", "gatehouse"));
            assertThat(view)
                    .containsEntry("num-other-sentinels", "2")
                    .containsEntry("num-slaves", "1")
                    .containsEntry("port", Integer.toString(redis.master().port()));
            addresses.add("127.0.0.1:" + sentinel.port());
        }
        assertThat(redis.url()).isEqualTo("redis-sentinel://" + String.join(",", addresses) + "#gatehouse");
    }

    @Test
    void flushAllReachesTheReplica(SentinelDeployment redis) {
        redis.master().cli("SET", "gatehouse:flush", "1");
        redis.awaitReplication();
        assertThat(redis.replica().cli("DBSIZE")).isNotEqualTo("0");
        redis.flushAll();
        assertThat(redis.master().cli("DBSIZE")).isEqualTo("0");
        assertThat(redis.replica().cli("DBSIZE")).isEqualTo("0");
    }

    @Test
    void killingTheMasterFailsOverToTheReplica() {
        List<RedisNode> nodes = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        try (SentinelDeployment redis = SentinelDeployment.start()) {
            RedisNode oldMaster = redis.master();
            RedisNode oldReplica = redis.replica();
            nodes.addAll(redis.sentinels());
            nodes.add(oldMaster);
            nodes.add(oldReplica);
            oldMaster.cli("SET", "gatehouse:survives", "yes");
            redis.awaitReplication();
            assertThat(oldReplica.cli("GET", "gatehouse:survives")).isEqualTo("yes");
            pids.add(oldMaster.pid());

            oldMaster.kill();

            Poll.until(
                    "failover",
                    Duration.ofSeconds(20),
                    () -> redis.master() == oldReplica && oldReplica.cli("ROLE").startsWith("master")
                            ? null
                            : "sentinels still report " + redis.master());
            assertThat(redis.masters()).containsExactly(oldReplica);
            assertThat(oldReplica.cli("GET", "gatehouse:survives")).isEqualTo("yes");
            for (RedisNode node : nodes) {
                if (node.isAlive()) {
                    pids.add(node.pid());
                }
            }
        }
        ProcessAssertions.assertGone(nodes, pids);
    }
}
