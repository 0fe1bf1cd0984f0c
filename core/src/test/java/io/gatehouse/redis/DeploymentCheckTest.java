package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.Durability;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentCheckTest {
    private static final Durability REPLICATED_2 =
            new Durability(Durability.Mode.REPLICATED, 2, Duration.ofMillis(100), Durability.Check.WARN);

    @Test
    void aofOrAReplicaIsEnoughAndNoevictionIsSafe() {
        assertThat(DeploymentCheck.risks(
                        List.of(Map.of("aof_enabled", "1", "connected_slaves", "0")), Durability.ASYNC))
                .isEmpty();
        assertThat(DeploymentCheck.risks(
                        List.of(Map.of(
                                "aof_enabled",
                                "0",
                                "connected_slaves",
                                "1",
                                "maxmemory",
                                "1000000",
                                "maxmemory_policy",
                                "noeviction")),
                        Durability.ASYNC))
                .isEmpty();
    }

    @Test
    void neitherPersistenceNorReplicaIsARisk() {
        assertThat(DeploymentCheck.risks(
                        List.of(Map.of("aof_enabled", "0", "connected_slaves", "0")), Durability.ASYNC))
                .singleElement()
                .asString()
                .contains("no persistence and no replica");
    }

    @Test
    void anEvictingPolicyIsARiskOnlyWithAMemoryLimit() {
        Map<String, String> base = Map.of("aof_enabled", "1", "maxmemory_policy", "volatile-lru", "maxmemory", "0");
        assertThat(DeploymentCheck.risks(List.of(base), Durability.ASYNC)).isEmpty();
        assertThat(DeploymentCheck.risks(
                        List.of(Map.of("aof_enabled", "1", "maxmemory_policy", "volatile-lru", "maxmemory", "1048576")),
                        Durability.ASYNC))
                .singleElement()
                .asString()
                .contains("maxmemory-policy volatile-lru");
    }

    @Test
    void replicatedDurabilityNeedsItsReplicasOnEveryMaster() {
        List<String> risks = DeploymentCheck.risks(
                List.of(
                        Map.of("aof_enabled", "1", "connected_slaves", "2", "tcp_port", "7001"),
                        Map.of("aof_enabled", "1", "connected_slaves", "1", "tcp_port", "7002")),
                REPLICATED_2);
        assertThat(risks).singleElement().asString().contains("needs 2 replica(s) but 1 are connected on master 7002");
    }

    @Test
    void onlyTokensAndSessionsHoldSecurityState() {
        assertThat(DeploymentCheck.guardsSecurityState("tokens,sessions,cache")).isTrue();
        assertThat(DeploymentCheck.guardsSecurityState("sessions")).isTrue();
        assertThat(DeploymentCheck.guardsSecurityState("rate-limits,cache,events"))
                .isFalse();
    }
}
