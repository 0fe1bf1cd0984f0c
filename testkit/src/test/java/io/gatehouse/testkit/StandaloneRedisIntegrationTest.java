package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class StandaloneRedisIntegrationTest {

    @Test
    void sharedServerAnswersAndFlushes(StandaloneRedis redis) {
        RedisNode node = redis.node();
        assertThat(node.cli("PING")).isEqualTo("PONG");
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + node.port());
        assertThat(redis.topology()).isEqualTo(Topology.STANDALONE);
        assertThat(redis.masters()).containsExactly(node);

        node.cli("SET", "gatehouse:test", "1");
        assertThat(node.cli("DBSIZE")).isNotEqualTo("0");
        redis.flushAll();
        assertThat(node.cli("DBSIZE")).isEqualTo("0");
    }

    @Test
    void errorRepliesThrowWithTheMessage(StandaloneRedis redis) {
        assertThatThrownBy(() -> redis.node().cli("NOSUCHCOMMAND"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown command");
    }

    @Test
    void killAndRestartKeepThePort() {
        RedisNode node;
        long firstPid;
        long secondPid;
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            node = redis.node();
            int port = node.port();
            firstPid = node.pid();

            node.kill();
            assertThat(node.isAlive()).isFalse();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThatThrownBy(() -> node.cli("PING")).isInstanceOf(IllegalStateException.class);

            node.restart();
            secondPid = node.pid();
            assertThat(secondPid).isNotEqualTo(firstPid);
            assertThat(node.port()).isEqualTo(port);
            assertThat(node.cli("PING")).isEqualTo("PONG");
        }
        ProcessAssertions.assertGone(List.of(node), List.of(firstPid, secondPid));
        node.close(); // idempotent
    }

    @Test
    void restartOfARunningNodeStopsItFirst() {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            long before = redis.node().pid();
            redis.node().restart();
            assertThat(redis.node().pid()).isNotEqualTo(before);
            assertThat(redis.node().cli("PING")).isEqualTo("PONG");
        }
    }
}
