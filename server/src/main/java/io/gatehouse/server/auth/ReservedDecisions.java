package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * Far from the limit, the request that leaves a quarter of the batch in the reservation takes the next batch
 * (one round trip it waits for), while the others go on spending what is left: in steady traffic nobody waits
 * for Redis behind a lock (before, every introspection arriving during a refill parked on the lock for its
 * round trip), and the fast path is a compare-and-set. The next batch renews the reservation's second, so a unit
 * is spent at most 2 * HOLD_NANOS after it was taken (still never more units than the shared state granted).
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
        /** Units taken from the shared state and not spent yet. */
        final AtomicLong units = new AtomicLong();

        volatile long validUntil;
        /** What the shared state had left after the last decision: near the limit, decide one by one. */
        volatile long remaining = Long.MAX_VALUE;

        /** Spends one unit if the reservation has one and is still valid; returns the units left, or -1. */
        long take(long now) {
            for (long u = units.get(); u > 0 && now - validUntil < 0; u = units.get()) {
                if (units.compareAndSet(u, u - 1)) {
                    return u - 1;
                }
            }
            return -1;
        }
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
        Reservation r = reservations.get(subject);
        if (r == null) {
            r = reservations.computeIfAbsent(subject, s -> new Reservation());
        }
        long now = nanoTime.getAsLong();
        long left = r.take(now);
        if (left >= 0) {
            if (left == batch / 4 && r.remaining >= 3 * batch) {
                refillAhead(r, subject, now);
            }
            return null;
        }
        r.lock.lock();
        try {
            now = nanoTime.getAsLong();
            if (r.take(now) >= 0) {
                return null;
            }
            r.units.set(0);
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
                r.validUntil = now + HOLD_NANOS;
                r.units.set(batch - 1);
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

    /**
     * Takes the next batch while the reservation still has units (the caller's own unit is already spent). The
     * units are added only once the shared state granted them; a refusal (another instance took what was left)
     * only records the remaining figure, so the next requests decide near the limit one by one.
     */
    private void refillAhead(Reservation r, String subject, long now) {
        Decision d = limiter.decide(policy, subject, batch);
        r.remaining = d.remaining();
        if (d.allowed()) {
            r.validUntil = now + HOLD_NANOS;
            r.units.addAndGet(batch);
        }
    }
}
