package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.StandaloneRedis;
import org.junit.jupiter.api.Test;

class StoresIntegrationTest {

    @Test
    void inMemoryByDefaultAndHealthy() {
        try (Stores stores = Stores.open(GatehouseConfig.builder().build())) {
            for (Purpose p : Purpose.values()) {
                assertThat(StoresRedis.of(stores, p)).isEmpty();
            }
            HealthReport health = stores.health();
            assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(health.targets())
                    .singleElement()
                    .satisfies(t -> assertThat(t.target()).endsWith("@in-memory"));
        }
    }

    @Test
    void purposesWithTheSameEndpointShareAConnector() {
        String shared = SharedRedis.standalone().url();
        try (StandaloneRedis own = StandaloneRedis.start();
                Stores stores = Stores.open(GatehouseConfig.builder()
                        .redisUrl(shared)
                        .redisUrl(Purpose.RATE_LIMITS, own.url())
                        .build())) {
            assertThat(StoresRedis.of(stores, Purpose.TOKENS).orElseThrow())
                    .isSameAs(StoresRedis.of(stores, Purpose.SESSIONS).orElseThrow());
            assertThat(StoresRedis.of(stores, Purpose.RATE_LIMITS).orElseThrow())
                    .isNotSameAs(StoresRedis.of(stores, Purpose.TOKENS).orElseThrow());
            assertThat(stores.health().targets()).hasSize(2);
            assertThat(stores.health().status()).isEqualTo(HealthStatus.HEALTHY);

            // one deployment down: the instance is degraded, not unhealthy
            own.node().kill();
            assertThat(stores.health().status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(stores.health().targets()).anySatisfy(t -> {
                assertThat(t.target()).startsWith("rate-limits@");
                assertThat(t.status()).isEqualTo(HealthStatus.UNHEALTHY);
                assertThat(t.error()).isPresent();
            });
        }
    }
}
