package io.gatehouse.spring.actuate;

import io.gatehouse.Gatehouse;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.session.EndReason;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionListener;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.token.ReuseEvent;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.TokenEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gatehouse's meters in the application's Micrometer registry, fed by the listener hooks of
 * {@link Gatehouse.Builder}: Redis command latency ({@code gatehouse.redis.commands}, by target and command),
 * revocations by kind, refresh reuse detections, sessions created and ended by reason, rate-limit decisions by
 * policy and outcome; after the build, gauges of the revocation state's age and size.
 */
public final class GatehouseMeters
        implements RedisCommandListener, TokenEventListener, SessionListener, RateLimitListener {
    private final MeterRegistry registry;
    /** One timer per target and command, looked up without building a meter id per Redis command. */
    private final java.util.Map<String, Timer> commandTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public GatehouseMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Adds this as every listener of the builder. */
    public void register(Gatehouse.Builder builder) {
        builder.redisListener(this).tokenListener(this).sessionListener(this).rateLimitListener(this);
    }

    /** Gauges that read the opened Gatehouse. */
    public void bind(Gatehouse gatehouse) {
        registry.gauge(
                "gatehouse.revocation.state.age",
                gatehouse,
                g -> g.tokens().revocationHealth().age().toMillis() / 1000.0);
        registry.gauge(
                "gatehouse.revocation.entries",
                gatehouse,
                g -> g.tokens().revocationStats().counts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum());
    }

    @Override
    public void completed(String target, String command, long nanos) {
        commandTimers
                .computeIfAbsent(
                        target + ' ' + command,
                        k -> Timer.builder("gatehouse.redis.commands")
                                .tag("target", target)
                                .tag("command", command)
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void revoked(List<Revocation> revocations) {
        for (Revocation r : revocations) {
            registry.counter(
                            "gatehouse.token.revocations",
                            "kind",
                            r.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .increment();
        }
    }

    @Override
    public void reuseDetected(ReuseEvent event) {
        registry.counter("gatehouse.token.reuse.detected").increment();
    }

    @Override
    public void sessionCreated(Session session) {
        registry.counter("gatehouse.sessions.created").increment();
    }

    @Override
    public void sessionsEnded(String userId, List<String> sessionIds, EndReason reason) {
        registry.counter("gatehouse.sessions.ended", "reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                .increment(sessionIds.size());
    }

    @Override
    public void decided(Decision decision) {
        registry.counter(
                        "gatehouse.ratelimit.decisions",
                        "policy",
                        decision.policy(),
                        "outcome",
                        decision.allowed() ? "allowed" : "refused")
                .increment();
    }
}
