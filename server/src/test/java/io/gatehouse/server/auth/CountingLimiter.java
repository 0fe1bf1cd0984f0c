package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Check;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.MultiDecision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.store.HealthStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real limiter that counts the decisions reaching it (each one a round trip on Redis): those asked, and
 * those answered, so a test sees a decision that is still waiting for Redis.
 */
final class CountingLimiter implements RateLimiter {
    final RateLimiter real;
    final AtomicLong decisions = new AtomicLong();
    final AtomicLong answered = new AtomicLong();

    CountingLimiter(RateLimiter real) {
        this.real = real;
    }

    @Override
    public Decision decide(RatePolicy policy, String subject, long cost) {
        decisions.incrementAndGet();
        Decision d = real.decide(policy, subject, cost);
        answered.incrementAndGet();
        return d;
    }

    @Override
    public MultiDecision decideAll(List<Check> checks) {
        return real.decideAll(checks);
    }

    @Override
    public Decision peek(RatePolicy policy, String subject) {
        return real.peek(policy, subject);
    }

    @Override
    public void reset(RatePolicy policy, String subject) {
        real.reset(policy, subject);
    }

    @Override
    public HealthStatus health() {
        return real.health();
    }

    @Override
    public void close() {}
}
