package io.gatehouse.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/*
 * Why: a command timeout is a promise about Redis, but it is measured on this process's clock. When this
 * process does not run (a stop-the-world GC, CPU starvation on a loaded host, a paused VM), a reply Redis
 * sent in time sits unread in the socket; when the process resumes, the timer may fire before the event
 * loop reads the reply, and a stall of this process surfaces as a Redis timeout (three of them open the
 * circuit). The 30-minute soak showed exactly that: 7 x 503, all within a second of the full GC the soak
 * itself requests, on a machine with a load average near 30 (docs/RELIABILITY.md).
 *
 * A ticker thread wakes every TICK; when it wakes late by more than THRESHOLD, the lateness is time the
 * process did not run. Smaller lateness is ordinary scheduling noise and is not counted, so on a healthy
 * process a deadline never moves. A pause still in progress (the ticker has not woken since) counts too,
 * so a timer that fires right after the process resumes, before the ticker, sees the pause.
 */
/** Measures how long this process did not run, so command deadlines can discount it (see {@link Deadline}). */
final class PauseClock {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final class Holder {
        static final PauseClock INSTANCE = startTicking(new PauseClock(System::nanoTime));
    }

    private final LongSupplier nanoTime;
    /**
     * The last tick and the pauses counted up to it, replaced as a whole by the one ticking thread and
     * read without a lock: every Redis call reads the clock when it starts.
     */
    private volatile Ticked ticked;

    private record Ticked(long at, long paused) {}

    /** A clock that counts only the pauses seen by {@link #tick()} calls; tests drive it by hand. */
    PauseClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.ticked = new Ticked(nanoTime.getAsLong(), 0);
    }

    /** The process-wide clock, with its ticker thread started on first use. */
    static PauseClock system() {
        return Holder.INSTANCE;
    }

    private static PauseClock startTicking(PauseClock clock) {
        Thread ticker = new Thread(
                () -> {
                    while (true) {
                        LockSupport.parkNanos(TICK_NANOS);
                        clock.tick();
                    }
                },
                "gatehouse-pause-clock");
        ticker.setDaemon(true);
        ticker.start();
        return clock;
    }

    /** Records one wake-up of the ticker; one thread ticks. */
    void tick() {
        Ticked last = ticked;
        long now = nanoTime.getAsLong();
        ticked = new Ticked(now, last.paused() + late(last, now));
    }

    /** Total time this process did not run so far, including a pause the ticker has not seen end yet. */
    long pausedNanos() {
        Ticked last = ticked;
        return last.paused() + late(last, nanoTime.getAsLong());
    }

    private static long late(Ticked last, long now) {
        long late = now - last.at() - TICK_NANOS;
        return late > THRESHOLD_NANOS ? late : 0;
    }
}
