package io.gatehouse.server.health;

import io.gatehouse.server.user.UserDatabase;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.Stores;
import io.gatehouse.store.TargetHealth;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes health reports as JSON-ready maps. Policy:
 * <ul>
 *   <li><b>live</b>: the process answers HTTP; always healthy.</li>
 *   <li><b>redis</b>: every configured Redis target probed (PING, INFO); the aggregate of
 *       {@link HealthStatus#aggregate}: unhealthy only when every target is down.</li>
 *   <li><b>database</b>: a pooled connection validated within 2 s; unhealthy when it fails, because
 *       registration and login need it.</li>
 *   <li><b>ready</b> and <b>overall</b>: unhealthy when the database is down; otherwise degraded while any
 *       Redis target is not healthy (the capabilities fall back and keep serving), else healthy.</li>
 *   <li><b>system</b>: JVM memory, threads, uptime and CPUs; always healthy (informational).</li>
 * </ul>
 */
public final class HealthService {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(2);

    private final Stores stores;
    private final UserDatabase database;

    public HealthService(Stores stores, UserDatabase database) {
        this.stores = stores;
        this.database = database;
    }

    /** A report and the status that decides its HTTP code. */
    public record Report(HealthStatus status, Map<String, Object> body) {
        /** 200 for healthy and degraded, 503 for unhealthy. */
        public int httpStatus() {
            return status == HealthStatus.UNHEALTHY ? 503 : 200;
        }
    }

    public Report live() {
        return report(HealthStatus.HEALTHY, Map.of());
    }

    public Report redis() {
        HealthReport r = stores.health();
        return report(r.status(), Map.of("targets", r.targets().stream().map(HealthService::target).toList()));
    }

    public Report database() {
        UserDatabase.Check c = database.check(DB_TIMEOUT);
        return report(c.up() ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY, databaseDetails(c));
    }

    public Report ready() {
        return combined(false);
    }

    public Report overall() {
        return combined(true);
    }

    public Report system() {
        Map<String, Object> body = new LinkedHashMap<>();
        var memory = ManagementFactory.getMemoryMXBean();
        body.put("heap", memory(memory.getHeapMemoryUsage()));
        body.put("non_heap", memory(memory.getNonHeapMemoryUsage()));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        body.put("threads", Map.of("live", threads.getThreadCount(), "daemon", threads.getDaemonThreadCount(),
                "peak", threads.getPeakThreadCount()));
        body.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        body.put("available_processors", Runtime.getRuntime().availableProcessors());
        body.put("system_load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        body.put("java_version", Runtime.version().toString());
        return report(HealthStatus.HEALTHY, body);
    }

    private Report combined(boolean details) {
        UserDatabase.Check db = database.check(DB_TIMEOUT);
        HealthReport redis = stores.health();
        HealthStatus status = !db.up() ? HealthStatus.UNHEALTHY
                : redis.status() == HealthStatus.HEALTHY ? HealthStatus.HEALTHY : HealthStatus.DEGRADED;
        Map<String, Object> checks = new LinkedHashMap<>();
        Map<String, Object> dbPart = new LinkedHashMap<>();
        dbPart.put("status", (db.up() ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY).label());
        if (details) {
            dbPart.putAll(databaseDetails(db));
        }
        checks.put("database", dbPart);
        Map<String, Object> redisPart = new LinkedHashMap<>();
        redisPart.put("status", redis.status().label());
        if (details) {
            redisPart.put("targets", redis.targets().stream().map(HealthService::target).toList());
        }
        checks.put("redis", redisPart);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("checks", checks);
        if (details) {
            body.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        }
        return report(status, body);
    }

    private Map<String, Object> databaseDetails(UserDatabase.Check c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", database.url());
        m.put("round_trip_ms", c.roundTrip().toNanos() / 1_000_000.0);
        m.put("pool", database.poolSummary());
        c.error().ifPresent(e -> m.put("error", e));
        return m;
    }

    private static Map<String, Object> target(TargetHealth t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", t.target());
        m.put("status", t.status().label());
        m.put("circuit", t.circuit());
        t.pingRoundTrip().ifPresent(d -> m.put("ping_ms", d.toNanos() / 1_000_000.0));
        t.version().ifPresent(v -> m.put("version", v));
        t.role().ifPresent(r -> m.put("role", r));
        m.put("connected_clients", t.connectedClients());
        m.put("ops_per_second", t.opsPerSecond());
        m.put("used_memory_bytes", t.usedMemoryBytes());
        m.put("uptime_seconds", t.uptimeSeconds());
        m.put("nodes", t.nodes());
        t.error().ifPresent(e -> m.put("error", e));
        if (!t.notes().isEmpty()) {
            m.put("notes", t.notes());
        }
        return m;
    }

    private static Map<String, Object> memory(MemoryUsage u) {
        return Map.of("used_bytes", u.getUsed(), "committed_bytes", u.getCommitted(), "max_bytes", u.getMax());
    }

    private static Report report(HealthStatus status, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.label());
        body.putAll(details);
        return new Report(status, body);
    }
}
