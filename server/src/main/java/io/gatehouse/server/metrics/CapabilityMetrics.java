package io.gatehouse.server.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.event.EventStats;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.session.CleanupBatch;
import io.gatehouse.session.EndReason;
import io.gatehouse.session.ScheduledCleanup;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionListener;
import io.gatehouse.session.SessionStore;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.token.ReuseEvent;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.RevocationKind;
import io.gatehouse.token.TokenEventListener;
import io.gatehouse.token.TokenService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The meters of the core capabilities, fed by their listener hooks (registered with
 * {@link io.gatehouse.Gatehouse.Builder}, beside the core's own event bridge: events and metrics are
 * separate concerns that hear the same notifications) and by gauges read at scrape time. Every meter name and tag
 * is listed in {@code docs/SERVER.md}.
 *
 * <p>Active sessions: the session store keeps no global index (one key per user, by design), so no
 * instance can count every live session without scanning. {@code gatehouse.sessions.active} is what this
 * instance can honestly know: sessions it created or touched within the idle timeout and has not seen end
 * (capped at {@value #ACTIVE_CAP}). With sticky routing the sum over instances is the total; without it a
 * session served by several instances counts in each, so the sum is an upper and the maximum a lower bound.
 */
public final class CapabilityMetrics implements TokenEventListener, SessionListener, RateLimitListener {
    static final int ACTIVE_CAP = 100_000;

    private final MeterRegistry registry;
    private final Map<RevocationKind, Counter> revocations = new EnumMap<>(RevocationKind.class);
    private final Counter reuseFirst;
    private final Counter reuseRepeated;
    private final Counter sessionsCreated;
    private final Map<EndReason, Counter> sessionsEnded = new EnumMap<>(EndReason.class);
    private final Counter cleanupUsers;
    private final Counter cleanupRemoved;
    private static final DecisionSource[] SOURCES = DecisionSource.values();
    /** Per policy: [allowed ? 0 : 1][source ordinal], created on first use (policy names are configured, bounded). */
    private final Map<String, Counter[][]> decisions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set by {@link #bind(SessionStore)}, which knows the idle timeout; null until then. */
    private volatile Cache<String, Boolean> active;

    public CapabilityMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RevocationKind k : RevocationKind.values()) {
            revocations.put(
                    k,
                    Counter.builder("gatehouse.token.revocations")
                            .description("Revocations written by this instance, by kind")
                            .tag("kind", label(k))
                            .register(registry));
        }
        // Every lockout series exists from the start at 0, so Prometheus's increase() sees the first one.
        for (String dimension : List.of("account", "ip-account", "ip")) {
            for (boolean permanent : new boolean[] {false, true}) {
                lockouts(dimension, permanent);
            }
        }
        cleanupUsers = Counter.builder("gatehouse.sessions.cleanup.users")
                .description("Users examined by session cleanup passes run in this process")
                .register(registry);
        cleanupRemoved = Counter.builder("gatehouse.sessions.cleanup.removed")
                .description("Expired session entries removed by session cleanup passes run in this process")
                .register(registry);
        reuseFirst = reuse(registry, true);
        reuseRepeated = reuse(registry, false);
        sessionsCreated = Counter.builder("gatehouse.sessions.started")
                .description("Sessions created by this instance")
                .register(registry);
        for (EndReason r : EndReason.values()) {
            sessionsEnded.put(
                    r,
                    Counter.builder("gatehouse.sessions.ended")
                            .description("Sessions ended by this instance, by reason (expiry is not reported)")
                            .tag("reason", label(r))
                            .register(registry));
        }
    }

    private static Counter reuse(MeterRegistry registry, boolean first) {
        return Counter.builder("gatehouse.token.reuse.detections")
                .description("Rotated refresh tokens presented again after the grace window (family revoked)")
                .tag("first", Boolean.toString(first))
                .register(registry);
    }

    // ------------------------------------------------------------------ listener hooks

    @Override
    public void revoked(List<Revocation> list) {
        for (Revocation r : list) {
            revocations.get(r.kind()).increment();
        }
    }

    @Override
    public void reuseDetected(ReuseEvent event) {
        (event.firstDetection() ? reuseFirst : reuseRepeated).increment();
    }

    @Override
    public void sessionCreated(Session session) {
        sessionsCreated.increment();
        touched(session.handle());
    }

    @Override
    public void sessionsEnded(String userId, List<String> handles, EndReason reason) {
        sessionsEnded.get(reason).increment(handles.size());
        Cache<String, Boolean> a = active;
        if (a != null) {
            a.invalidateAll(handles);
        }
    }

    @Override
    public void lockedOut(String dimension, String ip, String account, LockoutStatus status) {
        lockouts(dimension, status.permanent()).increment();
    }

    private Counter lockouts(String dimension, boolean permanent) {
        return Counter.builder("gatehouse.lockouts")
                .description("Login lockouts started, by counter dimension")
                .tag("dimension", dimension)
                .tag("permanent", Boolean.toString(permanent))
                .register(registry);
    }

    @Override
    public void sessionTouched(Session session) {
        touched(session.handle());
    }

    @Override
    public void decided(Decision d) {
        decisions
                .computeIfAbsent(d.policy(), this::decisionCounters)[d.allowed() ? 0 : 1][
                d.source().ordinal()].increment();
    }

    private Counter[][] decisionCounters(String policy) {
        Counter[][] c = new Counter[2][SOURCES.length];
        for (int outcome = 0; outcome < 2; outcome++) {
            for (DecisionSource s : SOURCES) {
                c[outcome][s.ordinal()] = Counter.builder("gatehouse.ratelimit.decisions")
                        .description("Rate-limit decisions by policy, outcome and who decided")
                        .tag("policy", policy)
                        .tag("outcome", outcome == 0 ? "allowed" : "refused")
                        .tag("source", label(s))
                        .register(registry);
            }
        }
        return c;
    }

    private void touched(String handle) {
        Cache<String, Boolean> a = active;
        if (a != null) {
            a.put(handle, Boolean.TRUE);
        }
    }

    // ------------------------------------------------------------------ decorators and scrape-time gauges

    @Override
    public void cleanedUp(CleanupBatch batch) {
        cleanupUsers.increment(batch.usersVisited());
        cleanupRemoved.increment(batch.entriesRemoved());
    }

    /** {@code gatehouse.sessions.active}: sessions seen alive within the idle timeout of {@code sessions}. */
    public void bind(SessionStore sessions) {
        Cache<String, Boolean> a = Caffeine.newBuilder()
                .expireAfterAccess(sessions.settings().idleTimeout())
                .maximumSize(ACTIVE_CAP)
                .build();
        Gauge.builder("gatehouse.sessions.active", a, c -> {
                    c.cleanUp();
                    return c.estimatedSize();
                })
                .description("Sessions this instance created or touched within the idle timeout and has not seen end")
                .register(registry);
        active = a;
    }

    /** Counters of the scheduled session cleanup ({@code gatehouse.sessions.cleanup-interval}) on this instance. */
    public void bind(ScheduledCleanup cleanup) {
        FunctionCounter.builder("gatehouse.sessions.cleanup.runs", cleanup, ScheduledCleanup::runs)
                .description("Cleanup passes this instance ran")
                .register(registry);
        FunctionCounter.builder("gatehouse.sessions.cleanup.skipped", cleanup, ScheduledCleanup::skipped)
                .description("Cleanup ticks skipped because another instance held the lease")
                .register(registry);
        // Users visited and entries removed: gatehouse.sessions.cleanup.users/.removed, counted by cleanedUp.
    }

    /** Gauges of the revocation state this instance mirrors and of the link that keeps it current. */
    public void bind(TokenService tokens) {
        for (RevocationKind k : RevocationKind.values()) {
            Gauge.builder(
                            "gatehouse.token.revocation.entries",
                            tokens,
                            t -> t.revocationStats().counts().getOrDefault(k, 0L))
                    .description("Live revocation entries in this instance's mirror, by kind")
                    .tag("kind", label(k))
                    .register(registry);
        }
        Gauge.builder(
                        "gatehouse.token.revocation.link.status",
                        tokens,
                        t -> level(t.revocationHealth().status()))
                .description(
                        "Revocation link: 0 healthy, 1 degraded (stale but within budget or fail-open), 2 unhealthy")
                .register(registry);
        Gauge.builder(
                        "gatehouse.token.revocation.age",
                        tokens,
                        t -> t.revocationHealth().age().toNanos() / 1e9)
                .description("Revocation link lag: how old this instance's revocation state may be")
                .baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder(
                        "gatehouse.token.revocation.resyncs",
                        tokens,
                        t -> t.revocationHealth().resyncs())
                .description(
                        "Full reloads of the revocation state (the first load counts; more mean the stream lost entries)")
                .register(registry);
    }

    /** Counters and gauges of the security-event pipeline ({@link EventStats}). */
    public void bind(SecurityEvents events) {
        eventCounter(events, "recorded", "Events accepted for recording", EventStats::recorded);
        eventCounter(events, "stored", "Events written to the store", EventStats::stored);
        eventCounter(
                events, "spooled", "Events written to the local spool (queue full or store down)", EventStats::spooled);
        eventCounter(events, "dropped", "Events lost (spool full or unreadable)", EventStats::dropped);
        eventCounter(
                events, "sampled.out", "Rate-limit events not recorded because of sampling", EventStats::sampledOut);
        eventCounter(
                events, "expired", "Events older than the retention when they reached the store", EventStats::expired);
        eventCounter(
                events,
                "archived",
                "Events written to the PostgreSQL archive (gatehouse.events.archive.url)",
                EventStats::archived);
        eventCounter(
                events,
                "archive.dropped",
                "Events the archive could not take (its queue was full)",
                EventStats::archiveDropped);
        Gauge.builder("gatehouse.events.queued", events, e -> e.stats().queued())
                .description("Events waiting in memory to be stored")
                .register(registry);
        Gauge.builder("gatehouse.events.spool", events, e -> e.stats().spoolBytes())
                .description("Bytes of the spool file not yet replayed")
                .baseUnit("bytes")
                .register(registry);
    }

    private void eventCounter(SecurityEvents events, String name, String description, ToLongFunction<EventStats> f) {
        FunctionCounter.builder("gatehouse.events." + name, events, e -> f.applyAsLong(e.stats()))
                .description(description)
                .register(registry);
    }

    static int level(HealthStatus status) {
        return switch (status) {
            case HEALTHY -> 0;
            case DEGRADED -> 1;
            case UNHEALTHY -> 2;
        };
    }

    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
