package io.gatehouse.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A warmer run on demand or with a fixed delay between runs (so slow runs never overlap). */
final class ScheduledWarmer implements CacheWarmer {
    private static final Logger log = LoggerFactory.getLogger(ScheduledWarmer.class);

    private final String name;
    private final IntSupplier run;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledFuture<?> schedule;

    ScheduledWarmer(String name, IntSupplier run, ScheduledExecutorService scheduler) {
        this.name = name;
        this.run = run;
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int runNow() {
        try {
            int n = run.getAsInt();
            runs.incrementAndGet();
            log.debug("cache warmer {} wrote {} entries", name, n);
            return n;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            throw e;
        }
    }

    @Override
    public synchronized void schedule(Duration every) {
        Objects.requireNonNull(every, "every");
        if (every.toMillis() < 1) {
            throw new IllegalArgumentException("a warmer's interval must be at least 1 ms, not " + every);
        }
        cancel();
        schedule = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        runNow();
                    } catch (RuntimeException e) {
                        log.warn("cache warmer {} failed: {}", name, e.toString());
                    }
                },
                0,
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void cancel() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
    }

    @Override
    public long runs() {
        return runs.get();
    }

    @Override
    public long failures() {
        return failures.get();
    }
}
