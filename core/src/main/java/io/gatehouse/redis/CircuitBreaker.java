package io.gatehouse.redis;

import io.gatehouse.store.CircuitState;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Why no half-open state with trial calls: a trial call is a user's request that may wait a whole
 * timeout. Instead, while the circuit is open a background task PINGs the target every retry interval
 * (Lettuce reconnects underneath on its own), and the first answer closes the circuit. Users never pay
 * for the probing, and recovery is noticed within one interval of Redis answering again.
 *
 * The circuit opens on the first "unavailable" failure (connection refused or lost, not connected,
 * failing over): one such error means the target is down for everyone. Timeouts may be one slow
 * command, so it takes several in a row.
 */
final class CircuitBreaker {
    private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);
    static final int TIMEOUTS_TO_OPEN = 3;

    private final String target;
    private final Duration retryInterval;
    private final ScheduledExecutorService scheduler;
    private final Supplier<CompletionStage<?>> probe;
    private final AtomicInteger consecutiveTimeouts = new AtomicInteger();
    private volatile boolean open;
    private volatile long openedAtNanos;
    private volatile String openReason = "";
    private volatile boolean closed;

    CircuitBreaker(
            String target,
            Duration retryInterval,
            ScheduledExecutorService scheduler,
            Supplier<CompletionStage<?>> probe) {
        this.target = target;
        this.retryInterval = retryInterval;
        this.scheduler = scheduler;
        this.probe = probe;
    }

    boolean allowsCalls() {
        return !open;
    }

    CircuitState state() {
        return open ? CircuitState.OPEN : CircuitState.CLOSED;
    }

    StoreUnavailableException rejection() {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos);
        return new StoreUnavailableException(
                target,
                "Redis " + target + " is unavailable (circuit open for " + ms + " ms after: " + openReason + ")");
    }

    void onSuccess() {
        if (consecutiveTimeouts.get() != 0) {
            consecutiveTimeouts.set(0);
        }
    }

    void onFailure(StoreException e) {
        if (e instanceof StoreUnavailableException) {
            trip(e.getMessage());
        } else if (e instanceof StoreTimeoutException && consecutiveTimeouts.incrementAndGet() >= TIMEOUTS_TO_OPEN) {
            trip(TIMEOUTS_TO_OPEN + " timeouts in a row");
        }
    }

    private synchronized void trip(String reason) {
        if (open || closed) {
            return;
        }
        openReason = reason;
        openedAtNanos = System.nanoTime();
        open = true;
        log.warn("Redis {} circuit opened: {}", target, reason);
        scheduleProbe();
    }

    private void scheduleProbe() {
        if (closed) {
            return;
        }
        scheduler.schedule(this::runProbe, retryInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runProbe() {
        CompletionStage<?> ping;
        try {
            ping = probe.get();
        } catch (RuntimeException e) {
            scheduleProbe();
            return;
        }
        ping.whenComplete((ok, err) -> {
            if (err == null) {
                consecutiveTimeouts.set(0);
                open = false;
                log.info(
                        "Redis {} circuit closed after {} ms",
                        target,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos));
            } else {
                scheduleProbe();
            }
        });
    }

    void shutdown() {
        closed = true;
    }
}
