package io.gatehouse.server.health;

import io.gatehouse.Gatehouse;
import io.gatehouse.backend.Stores;
import io.gatehouse.config.Purpose;
import io.gatehouse.event.EventStats;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.TargetHealth;
import io.gatehouse.token.RevocationHealth;
import io.gatehouse.user.UserDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Computes health reports as JSON-ready maps. Policy:
 * <ul>
 *   <li><b>live</b>: the process answers HTTP; always healthy.</li>
 *   <li><b>redis</b>: every configured Redis target probed (PING, INFO); the aggregate of
 *       {@link HealthStatus#aggregate}: unhealthy only when every target is down.</li>
 *   <li><b>database</b>: a pooled connection validated within 2 s; unhealthy when it fails, because
 *       registration and login need it.</li>
 *   <li><b>ready</b> and <b>overall</b>: unhealthy when the database is down; otherwise degraded while any
 *       Redis target is not healthy or any capability serves from its fallback (the revocation link is
 *       stale, the rate limiter decides locally, sessions cannot be reached, security events are being
 *       spooled to disk), else healthy. Sessions have no fallback: while their store is down logins and
 *       session-bound requests fail, but the process still serves what it can, so the overall report
 *       stays degraded, not unhealthy.</li>
 *   <li><b>cache</b>: the counters of every cache of this instance; degraded while the cache store is
 *       unreachable (reads miss and loaders run directly).</li>
 *   <li><b>system</b>: JVM memory, threads, uptime and CPUs; always healthy (informational).</li>
 * </ul>
 */
public final class HealthService {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(2);

    private final Stores stores;
    private final UserDatabase database;
    private final Gatehouse services;

    public HealthService(Stores stores, UserDatabase database, Gatehouse services) {
        this.stores = stores;
        this.database = database;
        this.services = services;
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
        return report(
                r.status(),
                Map.of(
                        "targets",
                        r.targets().stream().map(HealthService::target).toList()));
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
        body.put(
                "threads",
                Map.of(
                        "live",
                        threads.getThreadCount(),
                        "daemon",
                        threads.getDaemonThreadCount(),
                        "peak",
                        threads.getPeakThreadCount()));
        body.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        body.put("available_processors", Runtime.getRuntime().availableProcessors());
        body.put(
                "system_load_average",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        body.put("java_version", Runtime.version().toString());
        return report(HealthStatus.HEALTHY, body);
    }

    public Report cache() {
        HealthStatus status = cacheStatus(stores.health());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("store", services.caches().store());
        body.put("caches", caches());
        return report(status, body);
    }

    private HealthStatus cacheStatus(HealthReport redis) {
        return targetOf(redis, Purpose.CACHE)
                .map(TargetHealth::status)
                .map(s -> s == HealthStatus.HEALTHY ? HealthStatus.HEALTHY : HealthStatus.DEGRADED)
                .orElse(HealthStatus.HEALTHY);
    }

    private Map<String, Object> caches() {
        Map<String, Object> out = new LinkedHashMap<>();
        services.caches().stats().forEach((name, st) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("near_hits", st.nearHits());
            m.put("hits", st.hits());
            m.put("misses", st.misses());
            m.put("hit_ratio", st.hitRatio());
            m.put("loads", st.loads());
            m.put("load_failures", st.loadFailures());
            m.put("load_time_ms", st.loadTime().toNanos() / 1_000_000.0);
            m.put("refreshes", st.refreshes());
            m.put("lease_waits", st.leaseWaits());
            m.put("errors", st.errors());
            m.put("invalidations_received", st.invalidationsReceived());
            m.put("near_size", st.nearSize());
            out.put(name, m);
        });
        return out;
    }

    /** The probe of the Redis target serving {@code purpose}, or empty when it is served in memory. */
    private Optional<TargetHealth> targetOf(HealthReport redis, Purpose purpose) {
        return stores.target(purpose)
                .flatMap(target -> redis.targets().stream()
                        .filter(t -> t.target().equals(target))
                        .findFirst());
    }

    /** What each capability serves from while Redis is away; each part's status says whether it falls back now. */
    private Map<String, Map<String, Object>> fallbacks(HealthReport redis) {
        Map<String, Map<String, Object>> parts = new LinkedHashMap<>();
        RevocationHealth link = services.tokens().revocationHealth();
        Map<String, Object> tokens = part(link.status());
        tokens.put("revocation_state_age_ms", link.age().toMillis());
        tokens.put("staleness_budget_ms", link.budget().toMillis());
        tokens.put("stale_policy", link.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        tokens.put("last_contact", link.lastContact().toString());
        link.error().ifPresent(e -> tokens.put("error", e));
        parts.put("tokens", tokens);

        Map<String, Object> limits = part(services.rateLimiter().health());
        if (services.rateLimiter().health() != HealthStatus.HEALTHY) {
            limits.put(
                    "note",
                    "Redis is unavailable: each policy's on-store-down mode decides (per-instance fallback, fail-open or fail-closed)");
        }
        parts.put("rate_limits", limits);

        HealthStatus sessionStatus = targetOf(redis, Purpose.SESSIONS)
                .map(TargetHealth::status)
                .map(s -> s == HealthStatus.UNHEALTHY ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY)
                .orElse(HealthStatus.HEALTHY);
        Map<String, Object> sessions = part(sessionStatus);
        if (sessionStatus != HealthStatus.HEALTHY) {
            sessions.put(
                    "note",
                    "the session store is unreachable: logins and session-bound requests fail until it is back");
        }
        parts.put("sessions", sessions);

        EventStats es = services.events().stats();
        boolean spooling = es.spoolBytes() > 0;
        Map<String, Object> events = part(spooling ? HealthStatus.DEGRADED : HealthStatus.HEALTHY);
        events.put("queued", es.queued());
        events.put("stored", es.stored());
        events.put("spooled", es.spooled());
        events.put("spool_bytes", es.spoolBytes());
        events.put("dropped", es.dropped());
        parts.put("events", events);
        return parts;
    }

    private static Map<String, Object> part(HealthStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.label());
        return m;
    }

    private Report combined(boolean details) {
        UserDatabase.Check db = database.check(DB_TIMEOUT);
        HealthReport redis = stores.health();
        Map<String, Map<String, Object>> fallbacks = fallbacks(redis);
        boolean fallingBack = fallbacks.values().stream()
                .anyMatch(p -> !HealthStatus.HEALTHY.label().equals(p.get("status")));
        HealthStatus status = !db.up()
                ? HealthStatus.UNHEALTHY
                : redis.status() == HealthStatus.HEALTHY && !fallingBack ? HealthStatus.HEALTHY : HealthStatus.DEGRADED;
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
            redisPart.put(
                    "targets",
                    redis.targets().stream().map(HealthService::target).toList());
        }
        checks.put("redis", redisPart);
        fallbacks.forEach((name, part) -> checks.put(name, details ? part : Map.of("status", part.get("status"))));
        Map<String, Object> cachePart = new LinkedHashMap<>();
        cachePart.put("status", cacheStatus(redis).label());
        if (details) {
            cachePart.put("caches", caches());
        }
        checks.put("cache", cachePart);
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
