package io.gatehouse.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies stored events to the archive on a thread of its own, in batches, retrying a failed batch with
 * back-off (retry-interval, doubling up to 30 s) while new events wait in a bounded queue. The writer
 * only offers events (lock-free, never waiting); what does not fit is counted as archive-dropped.
 */
final class ArchiveFeeder {
    private static final Logger log = LoggerFactory.getLogger(ArchiveFeeder.class);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EventArchive archive;
    private final boolean owned;
    private final EventSettings settings;
    private final EventQueue queue;
    private final Thread thread;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong archived = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private volatile long closeDeadline;

    ArchiveFeeder(EventArchive archive, boolean owned, EventSettings settings) {
        this.archive = archive;
        this.owned = owned;
        this.settings = settings;
        this.queue = new EventQueue(
                settings.archive().map(ArchiveSettings::queueCapacity).orElse(65_536));
        this.thread = new Thread(this::loop, "gatehouse-events-archiver");
        thread.setDaemon(true);
        thread.start();
    }

    private int batchSize() {
        return settings.archive().map(ArchiveSettings::batchSize).orElse(500);
    }

    /** Called by the writer with events the store has taken. */
    void offer(List<SecurityEvent> events) {
        for (SecurityEvent e : events) {
            if (!queue.offer(e)) {
                dropped.incrementAndGet();
            }
        }
        offered.addAndGet(events.size());
    }

    private void loop() {
        List<SecurityEvent> batch = new ArrayList<>(batchSize());
        boolean failing = false;
        long backoff = settings.retryInterval().toNanos();
        while (running || !queue.isEmpty()) {
            batch.clear();
            queue.awaitEvents(TimeUnit.MILLISECONDS.toNanos(50));
            queue.drainTo(batch, batchSize());
            while (!batch.isEmpty()) {
                try {
                    archive.store(batch);
                    archived.addAndGet(batch.size());
                    batch.clear();
                    if (failing) {
                        log.info("security event archive: storing again");
                        failing = false;
                        backoff = settings.retryInterval().toNanos();
                    }
                } catch (RuntimeException e) {
                    if (!failing) {
                        log.warn(
                                "security event archive: cannot store ({}); retrying with back-off, events wait in "
                                        + "memory (at most {}), beyond that they are counted as archive-dropped",
                                e.toString(),
                                settings.archive()
                                        .map(ArchiveSettings::queueCapacity)
                                        .orElse(65_536));
                        failing = true;
                    }
                    if (!running && System.nanoTime() - closeDeadline >= 0) {
                        dropped.addAndGet(batch.size());
                        batch.clear();
                        break;
                    }
                    LockSupport.parkNanos(
                            this, running ? backoff : Math.min(backoff, TimeUnit.MILLISECONDS.toNanos(100)));
                    backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                }
            }
        }
    }

    /** Waits until everything offered so far is archived or dropped, until {@code deadlineNanos}. */
    boolean flush(long deadlineNanos) {
        long target = offered.get();
        while (archived.get() + dropped.get() < target) {
            if (System.nanoTime() - deadlineNanos >= 0 || !thread.isAlive()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    long archived() {
        return archived.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Tries to archive what is queued for up to 5 s; the rest is counted as dropped. */
    void close() {
        closeDeadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(CLOSE_GRACE_NANOS) + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<SecurityEvent> left = new ArrayList<>();
        queue.drainTo(left, Integer.MAX_VALUE);
        if (!left.isEmpty()) {
            dropped.addAndGet(left.size());
            log.warn("security event archive: {} event(s) not archived at shutdown (they are in Redis)", left.size());
        }
        if (owned) {
            archive.close();
        }
    }
}
