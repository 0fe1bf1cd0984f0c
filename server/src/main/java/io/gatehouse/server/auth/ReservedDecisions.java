package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Rate-limit decisions for a high, steady rate per subject (the introspect-client ceiling), with one Redis round
 * trip per batch of requests instead of one per request: the limiter is asked for `batch` units at once (one
 * GCRA decision of cost `batch`), and the next requests of the subject are allowed from that reservation in this
 * process.
 *
 * The policy is never exceeded: every unit allowed here was consumed in the shared state first (units are added
 * to a reservation only once the limiter granted them), and each is handed out once (a compare-and-set takes
 * it). A unit used later than it was consumed is, for GCRA, a request that arrived early. Reservations are
 * dropped after HOLD_NANOS, so units consumed in one second are not spent in a much later window; what a
 * reservation can do is refuse a little early near the limit (units sit unused in other instances'
 * reservations). Near the limit a batch is refused while a single unit would pass: then the request is decided
 * alone (cost 1), exactly as without reservations, and within two batches of the limit every request is (so a
 * batch that would be refused never produces a refusal event of its own). Refusals, the store-down modes
 * (fallback, fail-open/closed) and the local deny cache are the limiter's; a batch allowed by the fallback while
 * Redis is down is reserved like any other (the fallback counted all of it).
 *
 * Refilled ahead: the request that leaves a quarter of the batch in the reservation starts the next batch's
 * decision on a virtual thread of its own and returns at once; the requests go on spending what is left. Only
 * a request that finds no unit waits: for the refill in flight if there is one, else it takes the next batch
 * itself (and the others that run dry meanwhile wait for that one). At most one refill per subject is in flight.
 * Before, the request that left a quarter waited for the round trip itself, and when the quarter ran out first
 * (a reply slower than spending it, routine on a busy machine) the requests queued on a lock and the first of
 * them took a second batch at the same time. The next batch renews the reservation's second, so a unit is spent
 * at most 2 * HOLD_NANOS after it was taken (still never more units than the shared state granted).
 */
final class ReservedDecisions {
    private static final Logger log = LoggerFactory.getLogger(ReservedDecisions.class);
    static final long HOLD_NANOS = 1_000_000_000L;

    private final RateLimiter limiter;
    private final RatePolicy policy;
    private final long batch;
    /** The units left when the next batch is asked for ahead (a quarter of the batch). */
    private final long lowWater;

    private final LongSupplier nanoTime;
    /** Runs the decisions of batches taken ahead: a virtual thread each (~100 a second at 60,000 req/s). */
    private final Executor refills =
            task -> Thread.ofVirtual().name("gatehouse-limit-refill").start(task);

    private final ConcurrentHashMap<String, Reservation> reservations = new ConcurrentHashMap<>();

    private static final class Reservation {
        /** Units taken from the shared state and not spent yet. */
        final AtomicLong units = new AtomicLong();
        /** The refill in flight, or null; completes once its units were added (or it was refused). */
        final AtomicReference<CompletableFuture<Void>> refill = new AtomicReference<>();

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
        this.lowWater = batch / 4;
        this.nanoTime = nanoTime;
    }

    /** The reservation size in force (1 = no reservations). */
    long batch() {
        return batch;
    }

    /** Units of {@code subject} reserved in this process and not spent yet (valid or not). */
    long held(String subject) {
        Reservation r = reservations.get(subject);
        return r == null ? 0 : r.units.get();
    }

    /** Whether a batch of {@code subject} is being decided now. */
    boolean refilling(String subject) {
        Reservation r = reservations.get(subject);
        return r != null && r.refill.get() != null;
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
        while (true) {
            long left = r.take(nanoTime.getAsLong());
            if (left >= 0) {
                if (left == lowWater && r.remaining >= 3 * batch) {
                    refillAhead(r, subject);
                }
                return null;
            }
            if (r.remaining < 2 * batch) {
                // Near the limit: one unit at a time, exactly as without reservations (and a batch that would
                // be refused while a single unit passes never produces a refusal of its own).
                Decision one = limiter.decide(policy, subject);
                r.remaining = one.allowed() ? one.remaining() : 0;
                return one;
            }
            CompletableFuture<Void> inFlight = r.refill.get();
            if (inFlight != null) {
                // Out of units while the next batch is on its way: wait for it, then take a unit of it.
                inFlight.join();
                continue;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            if (r.refill.compareAndSet(null, mine)) {
                // Nothing in flight: this request takes the next batch and waits for it; the loop then takes
                // its unit (or, refused, decides it alone near the limit).
                refill(r, subject, mine);
            }
        }
    }

    /** Starts the next batch's decision without waiting for it, unless one is in flight already. */
    private void refillAhead(Reservation r, String subject) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!r.refill.compareAndSet(null, mine)) {
            return;
        }
        try {
            refills.execute(() -> {
                try {
                    refill(r, subject, mine);
                } catch (RuntimeException e) {
                    // The limiter answers an unavailable store with the policy's mode; this is a fault of its
                    // own. The next request that runs dry takes the batch itself and sees it.
                    log.warn("introspect-client: a batch taken ahead failed", e);
                }
            });
        } catch (RuntimeException e) {
            // No thread for it: the request that runs dry takes the batch itself.
            r.refill.set(null);
            mine.complete(null);
        }
    }

    /**
     * Asks the limiter for a batch and adds it to the reservation once granted; a refusal (another instance
     * took what was left) only records the remaining figure, so the next requests decide one by one. Ends the
     * refill in flight either way.
     */
    private void refill(Reservation r, String subject, CompletableFuture<Void> mine) {
        try {
            Decision d = limiter.decide(policy, subject, batch);
            // A refused batch always sends the next requests to one-by-one decisions (whatever remaining figure
            // the refusal carries), so a request that runs dry never asks for refused batches in a loop.
            r.remaining = d.allowed() ? d.remaining() : Math.min(d.remaining(), 2 * batch - 1);
            if (d.allowed()) {
                long now = nanoTime.getAsLong();
                if (now - r.validUntil >= 0) {
                    // What is left of the last batch was held a second already: dropped, not renewed.
                    r.units.set(batch);
                } else {
                    r.units.addAndGet(batch);
                }
                r.validUntil = now + HOLD_NANOS;
            }
        } finally {
            r.refill.set(null);
            mine.complete(null);
        }
    }
}
