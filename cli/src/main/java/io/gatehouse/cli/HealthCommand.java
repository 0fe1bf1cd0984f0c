package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.Gatehouse;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.TargetHealth;
import io.gatehouse.user.UserDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse health}: probes every configured store; exit 0 healthy, 1 degraded, 3 unavailable. */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description =
                "Probe every configured store (PING, version, clients, ops/s, memory, uptime) and the user database. "
                        + "Exit 0 healthy, 1 degraded, 3 unavailable.",
        footerHeading = "%nExamples:%n",
        footer = {"  gatehouse health", "  gatehouse health --output json | jq .status"})
final class HealthCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        Cli cli = main.cli();
        Gatehouse gh = cli.gatehouse();
        HealthReport report = gh.stores().health();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TargetHealth t : report.targets()) {
            rows.add(map(
                    "target",
                    t.target(),
                    "status",
                    t.status().label(),
                    "circuit",
                    t.circuit().toString(),
                    "ping_us",
                    t.pingRoundTrip().map(d -> d.toNanos() / 1000).orElse(null),
                    "version",
                    t.version(),
                    "role",
                    t.role(),
                    "clients",
                    t.connectedClients(),
                    "ops_per_s",
                    t.opsPerSecond(),
                    "memory_bytes",
                    t.usedMemoryBytes(),
                    "uptime_s",
                    t.uptimeSeconds(),
                    "error",
                    t.error()));
        }
        HealthStatus status = report.status();
        Map<String, Object> database = null;
        if (gh.userDatabase().isPresent()) {
            UserDatabase db = gh.userDatabase().get();
            UserDatabase.Check c = db.check(Duration.ofSeconds(2));
            database = map(
                    "url",
                    db.url(),
                    "up",
                    c.up(),
                    "round_trip_us",
                    c.roundTrip().toNanos() / 1000,
                    "error",
                    c.error());
            if (!c.up()) {
                status = HealthStatus.UNHEALTHY;
            }
        }
        Output out = cli.output();
        if (out.json()) {
            out.fields(map("status", status.label(), "targets", rows, "user_database", database));
        } else {
            cli.out().println("status: " + status.label());
            out.rows(
                    rows,
                    "target",
                    "status",
                    "circuit",
                    "ping_us",
                    "version",
                    "role",
                    "clients",
                    "ops_per_s",
                    "memory_bytes",
                    "uptime_s",
                    "error");
            if (database != null) {
                cli.out().println("user database: " + Output.text(database));
            }
        }
        return status == HealthStatus.HEALTHY
                ? ExitCode.OK
                : status == HealthStatus.DEGRADED ? ExitCode.NOT_FOUND : ExitCode.UNAVAILABLE;
    }
}
