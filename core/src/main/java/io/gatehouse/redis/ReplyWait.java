package io.gatehouse.redis;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Why spin at all: a thread that parks to wait for a reply is woken by Lettuce's event loop once the reply is
 * read, and on an idle machine each such hand-off between threads costs a wake-up of a sleeping CPU (on a
 * virtual machine, tens of microseconds). A local or same-rack Redis answers within about that time, so for
 * a lone caller the wake-up is a large part of a call: on the 2-vCPU machine of docs/BENCHMARKS.md a
 * one-thread session create took 99-153 us parked and 58-85 us spinning ("#19 sessions: a lone caller
 * spins for its reply"). The JDK's own hand-offs (SynchronousQueue, Exchanger, Phaser) spin briefly before
 * parking for the same reason.
 *
 * Why only a lone waiter: spinning trades CPU for latency, a good trade only while the CPU would otherwise
 * be idle. While any other thread of this process waits for Redis (a concurrent load, a server's request
 * threads), the process is busy, the event loop and Redis need the CPU, and a reply wakes a parked thread
 * cheaply; so a wait spins only when it is the process's only one, and at most one thread spins at a time.
 *
 * Why never on a virtual thread: its park is cheap (no kernel wake-up of its own) and spinning would hold
 * its carrier thread from the other virtual threads.
 *
 * Why it backs off: a Redis farther away than the budget (across a network) answers after the spin ends,
 * so every spin would be CPU spent for nothing. After MISSES_BEFORE_BACKOFF spins in a row ended without
 * the reply, only every PROBE_EVERY-th lone wait spins, to notice when replies come fast again. A probe meets
 * CPUs that slept (nobody spun), so the budget must cover a round trip from sleep, not only one kept warm by
 * spinning, or backing off is for good: why the default is 250 us and not 100 (docs/REDIS.md).
 */
/** Waits for a Redis reply: a lone platform thread spins up to the endpoint's budget, then parks. */
final class ReplyWait {
    static final int MISSES_BEFORE_BACKOFF = 4;
    static final int PROBE_EVERY = 64;

    /**
     * Threads of this process waiting for a reply of an endpoint that spins, spinning or parked. Waits that
     * never spin (a blocking read, which waits by design; an endpoint with spinning off) are not counted.
     */
    private static final AtomicInteger PROCESS_WAITERS = new AtomicInteger();

    /** Parks at once: for calls whose reply comes late by design (a blocking read). */
    static final ReplyWait PARKS = new ReplyWait(Duration.ZERO);

    private final long budgetNanos;
    private final AtomicInteger waiters;
    // Only the lone waiter reads and writes these two: the waiters count goes back to 0 before another
    // wait can be lone, and that atomic hand-over orders one lone waiter's writes before the next one's reads.
    private int misses;
    private int sinceProbe;

    ReplyWait(Duration budget) {
        this(budget, PROCESS_WAITERS, Runtime.getRuntime().availableProcessors());
    }

    /** For tests: their own count of waiters and of processors. */
    ReplyWait(Duration budget, AtomicInteger waiters, int processors) {
        // With one processor the reply cannot arrive while this thread spins.
        this.budgetNanos = processors > 1 ? budget.toNanos() : 0;
        this.waiters = waiters;
    }

    /** Waits for {@code reply}; the call's own deadline completes it (see {@link Deadline}). */
    <T> T await(CompletableFuture<T> reply) throws ExecutionException, InterruptedException {
        boolean counted = spinFirst(reply);
        try {
            return reply.get();
        } finally {
            if (counted) {
                waiters.decrementAndGet();
            }
        }
    }

    /** Waits for {@code reply} at most {@code timeout}, as {@link CompletableFuture#get(long, TimeUnit)}. */
    <T> T await(CompletableFuture<T> reply, long timeout, TimeUnit unit)
            throws ExecutionException, InterruptedException, TimeoutException {
        boolean counted = spinFirst(reply);
        try {
            return reply.get(timeout, unit);
        } finally {
            if (counted) {
                waiters.decrementAndGet();
            }
        }
    }

    /**
     * Spins for {@code reply} if this is the lone wait and spinning pays now. Returns whether this wait
     * was counted as a waiter, which the caller undoes once its wait is over.
     */
    private boolean spinFirst(CompletableFuture<?> reply) {
        if (budgetNanos == 0 || reply.isDone()) {
            return false;
        }
        boolean lone = waiters.getAndIncrement() == 0;
        if (lone && !isVirtual(Thread.currentThread()) && spinsNow()) {
            spin(reply);
        }
        return true;
    }

    private boolean spinsNow() {
        if (misses < MISSES_BEFORE_BACKOFF) {
            return true;
        }
        if (++sinceProbe < PROBE_EVERY) {
            return false;
        }
        sinceProbe = 0;
        return true;
    }

    private void spin(CompletableFuture<?> reply) {
        long end = System.nanoTime() + budgetNanos;
        while (!reply.isDone()) {
            if (System.nanoTime() - end >= 0) {
                misses = Math.min(misses + 1, MISSES_BEFORE_BACKOFF);
                return;
            }
            Thread.onSpinWait();
        }
        misses = 0;
    }

    /** Whether lone waits spin only to probe now: for tests of the back-off. */
    boolean backedOff() {
        return misses >= MISSES_BEFORE_BACKOFF;
    }

    // Thread.isVirtual() is Java 21; this module compiles for 17, where no thread is virtual.
    private static final MethodHandle IS_VIRTUAL = isVirtualMethod();

    private static boolean isVirtual(Thread t) {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle isVirtualMethod() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
