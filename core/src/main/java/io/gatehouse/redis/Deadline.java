package io.gatehouse.redis;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * Why not Lettuce's own command timeout: it fires at a fixed time on the process's clock, so a pause of
 * this process (see PauseClock) can fail a command whose reply arrived in time and waits unread. This
 * deadline fires at the command timeout too, but first asks the PauseClock how long the process did not
 * run since the call began and, if it did not, moves the deadline by that much: Redis gets the command
 * timeout of time in which this process could have read its reply. The moves add up to at most one more
 * command timeout, so no call waits longer than twice the command timeout whatever happens. It is the one
 * timer of a call: Lettuce's own command timeout is off (LettuceClients), and RedisConnection waits for
 * a bounded call without a timer of its own.
 */
/** Completes a Redis call with a {@link TimeoutException} once it had its timeout of running time. */
final class Deadline implements TimerTask {
    private final CompletableFuture<?> call;
    private final long timeoutNanos;
    private final Timer timer;
    private final PauseClock clock;
    private final long pausedAtStart;
    /** How far the deadline was moved so far; only the timer thread touches it, one task at a time. */
    private long movedNanos;

    private volatile Timeout pending;

    private Deadline(CompletableFuture<?> call, long timeoutNanos, Timer timer, PauseClock clock) {
        this.call = call;
        this.timeoutNanos = timeoutNanos;
        this.timer = timer;
        this.clock = clock;
        this.pausedAtStart = clock.pausedNanos();
    }

    /** Bounds {@code call} by {@code timeout} of this process's running time, at most twice {@code timeout}. */
    static void bound(CompletableFuture<?> call, Duration timeout, Timer timer, PauseClock clock) {
        if (call.isDone()) {
            return;
        }
        Deadline d = new Deadline(call, timeout.toNanos(), timer, clock);
        d.pending = timer.newTimeout(d, d.timeoutNanos, TimeUnit.NANOSECONDS);
        call.whenComplete((v, e) -> d.pending.cancel());
    }

    /** The longest a bounded call can take: its timeout, plus as much again for pauses of this process. */
    static Duration longest(Duration timeout) {
        return timeout.multipliedBy(2);
    }

    @Override
    public void run(Timeout timeout) {
        if (call.isDone()) {
            return;
        }
        long paused = clock.pausedNanos() - pausedAtStart - movedNanos;
        long room = timeoutNanos - movedNanos;
        if (paused > 0 && room > 0) {
            long move = Math.min(paused, room);
            movedNanos += move;
            pending = timer.newTimeout(this, move, TimeUnit.NANOSECONDS);
            return;
        }
        call.completeExceptionally(new TimeoutException("no reply within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"
                + (movedNanos > 0
                        ? " (plus " + TimeUnit.NANOSECONDS.toMillis(movedNanos) + " ms this process paused)"
                        : "")));
    }
}
