package io.gatehouse.event;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note. record() only puts the event on a bounded queue (or, if the queue is full, appends it to
 * the spool file), so a request never waits for Redis. One writer thread drains the queue in batches and
 * stores each batch in one pipelined round of script calls. If the store fails, the batch goes to the
 * spool and the store is left alone for retry-interval; from then on, everything goes to the spool until
 * the spool has been replayed completely, so events reach the store in the order they were recorded.
 * Writes are idempotent by event id, so replaying a batch that was partly stored stores each event once.
 */
final class EventRecorder implements SecurityEvents {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final EventStore store;
    private final EventSettings settings;
    private final Clock clock;
    private final ArrayBlockingQueue<SecurityEvent> queue;
    private final EventSpool spool;
    private final EventWebhook webhook;
    private final Thread writer;
    private volatile boolean running = true;

    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sampledOut = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong rateLimitSeen = new AtomicLong();

    EventRecorder(EventStore store, EventSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.spool = new EventSpool(settings.spoolDir(), settings.spoolMaxBytes());
        this.webhook = settings.webhookUrl().isPresent() ? new EventWebhook(settings) : null;
        if (spool.hasPending()) {
            log.info("security events: {} bytes left in the spool {} by an earlier run will be replayed",
                    spool.pendingBytes(), spool.file());
        }
        this.writer = new Thread(this::writeLoop, "gatehouse-events-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public SecurityEvent record(SecurityEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.type() == EventType.RATE_LIMIT_EXCEEDED && settings.rateLimitSample() > 1) {
            if (rateLimitSeen.getAndIncrement() % settings.rateLimitSample() != 0) {
                sampledOut.incrementAndGet();
                return event;
            }
        }
        SecurityEvent e = complete(event);
        recorded.incrementAndGet();
        if (webhook != null && webhook.wants(e)) {
            webhook.offer(e);
        }
        if (!running || !queue.offer(e)) {
            spoolOrDrop(List.of(e));
        }
        return e;
    }

    private SecurityEvent complete(SecurityEvent event) {
        boolean sampled = event.type() == EventType.RATE_LIMIT_EXCEEDED && settings.rateLimitSample() > 1
                && !event.details().containsKey("sample_rate") && event.details().size() < SecurityEvent.MAX_DETAILS;
        if (event.id() != null && event.time() != null && !sampled) {
            return event;
        }
        SecurityEvent.Builder b = event.toBuilder();
        Instant now = event.time() != null ? event.time() : clock.instant();
        b.time(now);
        if (event.id() == null) {
            b.id(EventIds.next(now.toEpochMilli()));
        }
        if (sampled) {
            // Each stored rate-limit event stands for this many: dashboards multiply by it.
            b.detail("sample_rate", Integer.toString(settings.rateLimitSample()));
        }
        return b.build();
    }

    private void spoolOrDrop(List<SecurityEvent> events) {
        if (spool.append(events)) {
            spooled.addAndGet(events.size());
        } else {
            dropped.addAndGet(events.size());
            log.error("security events: {} event(s) dropped, the spool {} is full ({} bytes) or unwritable",
                    events.size(), spool.file(), settings.spoolMaxBytes());
        }
    }

    private void writeLoop() {
        List<SecurityEvent> batch = new ArrayList<>(settings.batchSize());
        long retryAt = 0;
        boolean failing = false;
        while (running || !queue.isEmpty()) {
            try {
                if (spool.hasPending() && System.nanoTime() - retryAt >= 0) {
                    try {
                        replayBatch();
                        if (failing) {
                            failing = false;
                            log.info("security events: {} answers again; replaying the spool", store.describe());
                        }
                    } catch (RuntimeException e) {
                        retryAt = System.nanoTime() + settings.retryInterval().toNanos();
                        failing = logFailure(failing, e);
                    }
                }
                batch.clear();
                SecurityEvent first = queue.poll(spool.hasPending() ? 5 : 50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.batchSize() - 1);
                if (spool.hasPending() || System.nanoTime() - retryAt < 0) {
                    spoolOrDrop(batch);
                    continue;
                }
                try {
                    int old = store.write(batch);
                    expired.addAndGet(old);
                    stored.addAndGet(batch.size() - old);
                } catch (RuntimeException e) {
                    retryAt = System.nanoTime() + settings.retryInterval().toNanos();
                    failing = logFailure(failing, e);
                    spoolOrDrop(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // The writer must outlive anything a batch can throw, or recording would silently stop.
                log.error("security events writer: unexpected failure; the batch is spooled", e);
                spoolOrDrop(batch);
            }
        }
    }

    private boolean logFailure(boolean alreadyFailing, RuntimeException e) {
        if (!alreadyFailing) {
            log.warn("security events: cannot store in {} ({}); spooling to {} and retrying every {}",
                    store.describe(), e.toString(), spool.file(), settings.retryInterval());
        }
        return true;
    }

    private void replayBatch() {
        EventSpool.Batch b = spool.read(settings.batchSize());
        if (!b.events().isEmpty()) {
            int old = store.write(b.events());
            expired.addAndGet(old);
            stored.addAndGet(b.events().size() - old);
            // What was counted as spooled is now stored; "expired" counts it when it aged out meanwhile.
        }
        dropped.addAndGet(b.unreadable());
        spool.commit(b.end());
    }

    @Override
    public EventPage query(EventQuery query) {
        return store.query(query);
    }

    @Override
    public EventCounts counts(LocalDate from, LocalDate to) {
        return store.counts(from, to);
    }

    @Override
    public long export(Instant from, Instant to, OutputStream out) throws IOException {
        return store.export(from, to, out);
    }

    @Override
    public boolean flush(Duration timeout) {
        long target = recorded.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stored.get() + dropped.get() + expired.get() < target) {
            if (System.nanoTime() - deadline >= 0 || !writer.isAlive()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    @Override
    public EventStats stats() {
        return new EventStats(recorded.get(), stored.get(), spooled.get(), dropped.get(), sampledOut.get(),
                expired.get(), queue.size(), spool.pendingBytes(),
                webhook == null ? 0 : webhook.sent(), webhook == null ? 0 : webhook.failed());
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        List<SecurityEvent> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            spoolOrDrop(left);
        }
        if (webhook != null) {
            webhook.close();
        }
        spool.close();
    }
}
