package io.gatehouse.store;

import static io.gatehouse.store.HealthStatus.DEGRADED;
import static io.gatehouse.store.HealthStatus.HEALTHY;
import static io.gatehouse.store.HealthStatus.UNHEALTHY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStatusTest {
    @Test
    void aggregate() {
        assertThat(HealthStatus.aggregate(List.of())).isEqualTo(HEALTHY);
        assertThat(HealthStatus.aggregate(List.of(HEALTHY, HEALTHY))).isEqualTo(HEALTHY);
        assertThat(HealthStatus.aggregate(List.of(HEALTHY, UNHEALTHY))).isEqualTo(DEGRADED);
        assertThat(HealthStatus.aggregate(List.of(HEALTHY, DEGRADED))).isEqualTo(DEGRADED);
        assertThat(HealthStatus.aggregate(List.of(UNHEALTHY, UNHEALTHY))).isEqualTo(UNHEALTHY);
        assertThat(HEALTHY.label()).isEqualTo("healthy");
    }
}
