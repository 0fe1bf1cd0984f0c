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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note. record() does no I/O and takes no lock: it puts the event on a bounded lock-free queue;
 * when that is full, on a second bounded queue that the spooler thread appends to the spool file; when
 * both are full, it counts the event as dropped. So a request never waits for Redis, for the spool file
 * or for a thread holding a lock (a thread descheduled on a busy machine used to hold callers up).
 *
 * The writer thread takes whole batches (up to batch-size) from the queue and stores each in one round
 * of pipelined script calls (one per shard). If the store fails, the batch goes to the spool and the
 * store is left alone for retry-interval; meanwhile batches go to the spool. Once the store answers, the
 * writer alternates fresh batches with batches replayed from the spool, so a backlog drains without
 * sending everything through the file. Writes are idempotent by event id, so replaying a batch that was
 * partly stored stores each event once, and order does not matter for correctness.
 *
 * Only what reached the store is handed to the archive (if any), whose own thread copies it to
 * PostgreSQL; the archive's inserts are idempotent too.
 */
final class EventRecorder implements SecurityEvents {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int SPOOL_BATCH = 4096;

    private final EventStore store;
    private final EventSettings settings;
    private final Clock clock;
    private final EventQueue queue;
    private final EventQueue overflow;
    private final EventSpool spool;
    private final EventWebhook webhook;
    private final ArchiveFeeder archive;
    private final Thread writer;
    private final Thread spooler;
    private volatile boolean running = true;

    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sampledOut = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong rateLimitSeen = new AtomicLong();
    private long droppedLogged;

    EventRecorder(EventStore store, EventSettings settings, Clock clock, EventArchive archive, boolean ownsArchive) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.queue = new EventQueue(settings.queueCapacity());
        this.overflow = new EventQueue(settings.queueCapacity());
        this.spool = new EventSpool(settings.spoolDir(), settings.spoolMaxBytes());
        this.webhook = settings.webhookUrl().isPresent() ? new EventWebhook(settings) : null;
        this.archive = archive == null ? null : new ArchiveFeeder(archive, ownsArchive, settings);
        if (spool.hasPending()) {
            log.info(
                    "security events: {} bytes left in the spool {} by an earlier run will be replayed",
                    spool.pendingBytes(),
                    spool.file());
        }
        this.writer = new Thread(this::writeLoop, "gatehouse-events-writer");
        writer.setDaemon(true);
        this.spooler = new Thread(this::spoolLoop, "gatehouse-events-spooler");
        spooler.setDaemon(true);
        writer.start();
        spooler.start();
    }

    @Override
    public SecurityEvent record(SecurityEvent.Builder event) {
        Objects.requireNonNull(event, "event");
        if (event.type() == EventType.RATE_LIMIT_EXCEEDED && settings.rateLimitSample() > 1) {
            if (rateLimitSeen.getAndIncrement() % settings.rateLimitSample() != 0) {
                sampledOut.incrementAndGet();
                return stamp(event.copy()).build();
            }
        }
        SecurityEvent e = complete(event);
        recorded.incrementAndGet();
        if (webhook != null && webhook.wants(e)) {
            webhook.offer(e);
        }
        if (!running || !(queue.offer(e) || overflow.offer(e))) {
            // Counted here, logged by the spooler thread: logging could block on the log's appender.
            dropped.incrementAndGet();
        }
        return e;
    }

    private SecurityEvent complete(SecurityEvent.Builder event) {
        SecurityEvent.Builder b = stamp(event.copy());
        if (event.type() == EventType.RATE_LIMIT_EXCEEDED
                && settings.rateLimitSample() > 1
                && !event.hasDetail("sample_rate")
                && event.detailCount() < SecurityEvent.MAX_DETAILS) {
            // Each stored rate-limit event stands for this many: dashboards multiply by it.
            b.detail("sample_rate", Integer.toString(settings.rateLimitSample()));
        }
        return b.build();
    }

    /** Assigns the time (this log's clock) and the id (a ULID of that time) the builder left unset. */
    private SecurityEvent.Builder stamp(SecurityEvent.Builder b) {
        Instant time = b.timeOrElse(clock);
        b.time(time);
        if (!b.hasId()) {
            b.id(EventIds.next(time.toEpochMilli()));
        }
        return b;
    }

    private void spoolOrDrop(List<SecurityEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (spool.append(events)) {
            spooled.addAndGet(events.size());
        } else {
            dropped.addAndGet(events.size());
        }
    }

    /** Appends what record() could not queue to the spool file, and reports drops. */
    private void spoolLoop() {
        List<SecurityEvent> batch = new ArrayList<>(SPOOL_BATCH);
        long lastReport = System.nanoTime();
        while (running || !overflow.isEmpty()) {
            try {
                batch.clear();
                overflow.awaitEvents(IDLE_WAIT_NANOS);
                overflow.drainTo(batch, SPOOL_BATCH);
                spoolOrDrop(batch);
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                    lastReport = System.nanoTime();
                    reportDrops();
                }
            } catch (RuntimeException | Error e) {
                log.error("security events spooler: unexpected failure; {} event(s) dropped", batch.size(), e);
                dropped.addAndGet(batch.size());
            }
        }
        reportDrops();
    }

    private void reportDrops() {
        long d = dropped.get();
        if (d > droppedLogged) {
            log.error(
                    "security events: {} event(s) dropped (queue and spool queue full, or the spool {} full at {} "
                            + "bytes or unwritable); {} in total",
                    d - droppedLogged,
                    spool.file(),
                    settings.spoolMaxBytes(),
                    d);
            droppedLogged = d;
        }
    }

    /** A batch on its way into the store. */
    private record Round(List<SecurityEvent> batch, EventStore.PendingWrite write) {}

    private void writeLoop() {
        long retryAt = System.nanoTime();
        boolean failing = false;
        // At most one round in flight while the next is prepared: the writer's grouping and encoding
        // overlap Redis's work, and the recorder never has more than two batches outstanding, so its
        // own load cannot pile up commands until they time out (and trip the circuit breaker).
        Round pending = null;
        List<SecurityEvent> batch = new ArrayList<>(settings.batchSize());
        while (running || !queue.isEmpty() || pending != null) {
            try {
                boolean storeUsable = System.nanoTime() - retryAt >= 0;
                boolean replay = storeUsable && spool.hasPending();
                if (!replay && pending == null) {
                    queue.awaitEvents(
                            storeUsable ? IDLE_WAIT_NANOS : Math.min(IDLE_WAIT_NANOS, retryAt - System.nanoTime()));
                }
                batch = new ArrayList<>(settings.batchSize());
                queue.drainTo(batch, settings.batchSize());
                if (!batch.isEmpty() && storeUsable) {
                    Round next = start(batch); // if it throws, the catch below settles the round still pending
                    Round previous = pending;
                    pending = next;
                    if (previous != null) {
                        finish(previous); // if it throws, the catch below settles next
                    }
                } else {
                    if (!batch.isEmpty()) {
                        spoolOrDrop(batch);
                    }
                    Round previous = pending;
                    pending = null;
                    settle(previous);
                }
                if (replay) {
                    // Alternate with fresh batches, so a backlog drains while events keep coming.
                    Round previous = pending;
                    pending = null;
                    settle(previous);
                    replayBatch();
                }
                if (failing && System.nanoTime() - retryAt >= 0 && !spool.hasPending()) {
                    failing = false;
                    log.info("security events: {} answers again; the spool is replayed", store.describe());
                }
            } catch (StoreFailed f) {
                retryAt = System.nanoTime() + settings.retryInterval().toNanos();
                if (pending != null) {
                    // Started after the failed one: it most likely fails too; either way it is settled now.
                    Round r = pending;
                    pending = null;
                    try {
                        finish(r);
                    } catch (StoreFailed again) {
                        // spooled by finish
                    }
                }
                if (!failing) {
                    log.warn(
                            "security events: cannot store in {} ({}); spooling to {} and retrying every {}",
                            store.describe(),
                            f.getCause().toString(),
                            spool.file(),
                            settings.retryInterval());
                }
                failing = true;
            } catch (RuntimeException | Error e) {
                // The writer must outlive anything a batch can throw, or recording would silently stop.
                log.error("security events writer: unexpected failure; the batch is spooled", e);
                spoolOrDrop(batch);
                if (pending != null) {
                    spoolOrDrop(pending.batch());
                    pending = null;
                }
            }
        }
    }

    private void settle(Round round) {
        if (round != null) {
            finish(round);
        }
    }

    private Round start(List<SecurityEvent> batch) {
        EventStore.PendingWrite w;
        try {
            w = store.start(batch);
        } catch (RuntimeException e) {
            spoolOrDrop(batch);
            throw new StoreFailed(e);
        }
        return new Round(batch, w);
    }

    /** Waits for a round; on a store failure spools its batch and throws StoreFailed so the writer backs off. */
    private void finish(Round round) {
        int old;
        try {
            old = round.write().await();
        } catch (RuntimeException e) {
            spoolOrDrop(round.batch());
            throw new StoreFailed(e);
        }
        // Offered to the archive before counted as stored: flush() reads the counters in that order.
        if (archive != null) {
            archive.offer(round.batch());
        }
        expired.addAndGet(old);
        stored.addAndGet(round.batch().size() - old);
    }

    private void replayBatch() {
        EventSpool.Batch b = spool.read(settings.batchSize());
        if (!b.events().isEmpty()) {
            int old;
            try {
                old = store.write(b.events());
            } catch (RuntimeException e) {
                throw new StoreFailed(e);
            }
            // What was counted as spooled is now stored; "expired" counts it when it aged out meanwhile.
            if (archive != null) {
                archive.offer(b.events());
            }
            expired.addAndGet(old);
            stored.addAndGet(b.events().size() - old);
        }
        dropped.addAndGet(b.unreadable());
        spool.commit(b.end());
    }

    /** The store failed; the events concerned are spooled (or still in the spool). */
    private static final class StoreFailed extends RuntimeException {
        StoreFailed(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** For tests: the spool, whose lock a test holds to prove record() never waits for it. */
    EventSpool spool() {
        return spool;
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
        return archive == null || archive.flush(deadline);
    }

    @Override
    public EventStats stats() {
        return new EventStats(
                recorded.get(),
                stored.get(),
                spooled.get(),
                dropped.get(),
                sampledOut.get(),
                expired.get(),
                queue.size() + overflow.size(),
                spool.pendingBytes(),
                webhook == null ? 0 : webhook.sent(),
                webhook == null ? 0 : webhook.failed(),
                archive == null ? 0 : archive.archived(),
                archive == null ? 0 : archive.dropped());
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            writer.join(5000);
            spooler.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        spooler.interrupt();
        List<SecurityEvent> left = new ArrayList<>();
        queue.drainTo(left, Integer.MAX_VALUE);
        overflow.drainTo(left, Integer.MAX_VALUE);
        spoolOrDrop(left);
        if (webhook != null) {
            webhook.close();
        }
        if (archive != null) {
            archive.close();
        }
        spool.close();
    }
}
