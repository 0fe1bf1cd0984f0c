package io.gatehouse.server.metrics;

import io.gatehouse.ratelimit.Check;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.MultiDecision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.store.HealthStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rate limiter that counts its decisions in {@code gatehouse.ratelimit.decisions} by policy, outcome
 * ({@code allowed} / {@code refused}) and source (redis, memory, local-deny, fallback, fail-open,
 * fail-closed). The core's listener only hears sampled refusals; a decorator sees every decision. Peeks
 * consume nothing and are not counted.
 */
final class MeteredRateLimiter implements RateLimiter {
    private static final DecisionSource[] SOURCES = DecisionSource.values();

    private final RateLimiter delegate;
    private final MeterRegistry registry;
    /** Per policy: [allowed ? 0 : 1][source ordinal], created on first use (policy names are configured, bounded). */
    private final Map<String, Counter[][]> counters = new ConcurrentHashMap<>();

    MeteredRateLimiter(RateLimiter delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    public Decision decide(RatePolicy policy, String subject, long cost) {
        return count(delegate.decide(policy, subject, cost));
    }

    @Override
    public MultiDecision decideAll(List<Check> checks) {
        MultiDecision m = delegate.decideAll(checks);
        m.decisions().forEach(this::count);
        return m;
    }

    @Override
    public Decision peek(RatePolicy policy, String subject) {
        return delegate.peek(policy, subject);
    }

    @Override
    public void reset(RatePolicy policy, String subject) {
        delegate.reset(policy, subject);
    }

    @Override
    public HealthStatus health() {
        return delegate.health();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private Decision count(Decision d) {
        counters.computeIfAbsent(d.policy(), this::create)[d.allowed() ? 0 : 1][d.source().ordinal()].increment();
        return d;
    }

    private Counter[][] create(String policy) {
        Counter[][] c = new Counter[2][SOURCES.length];
        for (int outcome = 0; outcome < 2; outcome++) {
            for (DecisionSource s : SOURCES) {
                c[outcome][s.ordinal()] = Counter.builder("gatehouse.ratelimit.decisions")
                        .description("Rate-limit decisions by policy, outcome and who decided")
                        .tag("policy", policy)
                        .tag("outcome", outcome == 0 ? "allowed" : "refused")
                        .tag("source", CapabilityMetrics.label(s))
                        .register(registry);
            }
        }
        return c;
    }
}
