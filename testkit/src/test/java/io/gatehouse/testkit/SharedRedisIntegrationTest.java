package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class SharedRedisIntegrationTest {

    @Test
    void concurrentCallersShareOneDeployment() {
        List<Callable<RedisDeployment>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(() -> SharedRedis.get(Topology.STANDALONE));
        }
        List<RedisDeployment> results = Parallel.call(callers);
        assertThat(results).allSatisfy(result -> assertThat(result).isSameAs(SharedRedis.standalone()));
    }

    @Test
    void unannotatedDeploymentParameterIsStandalone(RedisDeployment deployment, StandaloneRedis redis) {
        assertThat(deployment).isSameAs(redis);
        assertThat(deployment.topology()).isEqualTo(Topology.STANDALONE);
    }

    @Test
    void typedGettersMatchGet() {
        assertThat(SharedRedis.tls()).isSameAs(SharedRedis.get(Topology.TLS));
    }
}
