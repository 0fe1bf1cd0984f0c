package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/*
 * Rate-limit decisions for a high, steady rate per subject (the introspect-client ceiling), with one Redis round
 * trip per batch of requests instead of one per request: the limiter is asked for `batch` units at once (one
 * GCRA decision of cost `batch`), and the next batch - 1 requests of the subject are allowed from that
 * reservation in this process.
 *
 * The policy is never exceeded: every unit allowed here was consumed in the shared state first, and a unit
 * used later than it was consumed is, for GCRA, a request that arrived early. Reservations are dropped after
 * HOLD_NANOS, so units consumed in one second are not spent in a much later window; what a reservation can do
 * is refuse a little early near the limit (up to batch - 1 units per instance sit unused in a reservation).
 * Near the limit a batch is refused while a single unit would pass: then the request is decided alone (cost 1),
 * exactly as without reservations, and within two batches of the limit every request is (so a batch that would be
 * refused never produces a refusal event of its own). Refusals, the store-down modes (fallback, fail-open/closed)
 * and the local deny cache are the limiter's; a batch allowed by the fallback while Redis is down is reserved
 * like any other (the fallback counted all of it).
 */
final class ReservedDecisions {
    static final long HOLD_NANOS = 1_000_000_000L;

    private final RateLimiter limiter;
    private final RatePolicy policy;
    private final long batch;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Reservation> reservations = new ConcurrentHashMap<>();

    private static final class Reservation {
        final ReentrantLock lock = new ReentrantLock();
        long units;
        long validUntil;
        /** What the shared state had left after the last decision: near the limit, decide one by one. */
        long remaining = Long.MAX_VALUE;
    }

    /**
     * @param maxBatch the most units reserved at once; the batch is also at most a thousandth of the policy's
     *                 burst, so small limits stay exact (batch 1: every request is decided by the limiter)
     */
    ReservedDecisions(RateLimiter limiter, RatePolicy policy, long maxBatch, LongSupplier nanoTime) {
        this.limiter = limiter;
        this.policy = policy;
        this.batch = Math.max(1, Math.min(maxBatch, policy.limit().burst() / 1000));
        this.nanoTime = nanoTime;
    }

    /** The reservation size in force (1 = no reservations). */
    long batch() {
        return batch;
    }

    /**
     * Whether one request of {@code subject} may proceed; null when allowed from a reservation (no decision
     * object is built on the fast path), else the limiter's decision (allowed or not).
     */
    Decision decide(String subject) {
        if (batch == 1) {
            return limiter.decide(policy, subject);
        }
        // Subjects are the configured OAuth clients: a small, fixed set.
        Reservation r = reservations.computeIfAbsent(subject, s -> new Reservation());
        r.lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (r.units > 0 && now - r.validUntil < 0) {
                r.units--;
                return null;
            }
            r.units = 0;
            if (r.remaining < 2 * batch) {
                // Near the limit: one unit at a time, exactly as without reservations (and a batch that would
                // be refused while a single unit passes never produces a refusal of its own).
                Decision one = limiter.decide(policy, subject);
                r.remaining = one.allowed() ? one.remaining() : 0;
                return one;
            }
            // Under the lock: concurrent requests of the subject wait for this one refill, not one each.
            Decision d = limiter.decide(policy, subject, batch);
            r.remaining = d.remaining();
            if (d.allowed()) {
                // Whoever decided (Redis, or the limiter's fallback while Redis is down) counted the whole batch.
                r.units = batch - 1;
                r.validUntil = now + HOLD_NANOS;
                return d;
            }
            // Another instance took what was left meanwhile: this request is decided alone.
            Decision one = limiter.decide(policy, subject);
            r.remaining = one.allowed() ? one.remaining() : 0;
            return one;
        } finally {
            r.lock.unlock();
        }
    }
}
