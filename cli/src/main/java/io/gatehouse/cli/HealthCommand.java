package io.gatehouse.cli;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.Stores;
import io.gatehouse.store.TargetHealth;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gatehouse health}: probes every configured store; exit code 0 healthy, 1 degraded, 2 unhealthy. */
@Command(name = "health", description = "Probe every configured store (PING, version, clients, ops/s, memory, uptime).")
final class HealthCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        HealthReport report;
        try (Stores stores = Stores.open(GatehouseConfig.fromEnvironment())) {
            report = stores.health();
        } catch (ConfigException e) {
            System.err.println("gatehouse: " + e.getMessage());
            return 2;
        }
        System.out.println("status: " + report.status().label());
        for (TargetHealth t : report.targets()) {
            System.out.printf("%-60s %-9s circuit=%s ping=%s version=%s role=%s clients=%d ops/s=%d memory=%dB uptime=%ds%s%n",
                    t.target(), t.status().label(), t.circuit(),
                    t.pingRoundTrip().map(d -> d.toNanos() / 1000 + "us").orElse("-"),
                    t.version().orElse("-"), t.role().orElse("-"), t.connectedClients(), t.opsPerSecond(),
                    t.usedMemoryBytes(), t.uptimeSeconds(), t.error().map(e -> " error=" + e).orElse(""));
        }
        return report.status() == HealthStatus.HEALTHY ? 0 : report.status() == HealthStatus.DEGRADED ? 1 : 2;
    }
}
