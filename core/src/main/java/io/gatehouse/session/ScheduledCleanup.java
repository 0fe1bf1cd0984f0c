package io.gatehouse.session;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own session cleanup: every {@value #INTERVAL_KEY} (default 1 h) one instance of the
 * deployment runs a whole {@link SessionStore#cleanup(int) cleanup pass}. Which one is decided by a lease
 * in Redis ({@code SET <prefix>:sess-cleanup:lease <owner> NX PX <interval>}): the first instance to take
 * it in an interval runs, the others skip that tick, and since the lease is not released a deployment
 * runs at most one pass per interval however many instances it has. In memory there is one instance and
 * no lease. The totals are exposed for metrics.
 */
public final class ScheduledCleanup implements AutoCloseable {
    /** How often a pass runs; {@code 0s} switches the server's cleanup off. */
    public static final String INTERVAL_KEY = "gatehouse.sessions.cleanup-interval";

    private static final Logger log = LoggerFactory.getLogger(ScheduledCleanup.class);
    private static final int BATCH = 1000;

    private final SessionStore sessions;
    private final Optional<RedisConnector> redis;
    private final Duration interval;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong usersVisited = new AtomicLong();
    private final AtomicLong entriesRemoved = new AtomicLong();
    private ScheduledExecutorService scheduler;

    /**
     * A cleanup of {@code sessions}, leased on the Redis of {@code stores}' sessions purpose; it runs only
     * when {@link #runOnce()} is called (tests, tools) until {@link #start()} schedules it.
     */
    public ScheduledCleanup(SessionStore sessions, Stores stores, Duration interval) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.redis = StoresRedis.of(stores, Purpose.SESSIONS);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the cleanup interval must be positive");
        }
        this.interval = interval;
    }

    /** The interval configured under {@value #INTERVAL_KEY}, empty when it is {@code 0s} (off). */
    public static Optional<Duration> interval(GatehouseConfig config) {
        Duration d = config.duration(INTERVAL_KEY, Duration.ofHours(1));
        if (d.isNegative()) {
            throw new ConfigException(INTERVAL_KEY, INTERVAL_KEY + " must be 0s (off) or positive, such as 1h");
        }
        if (!d.isZero() && d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(INTERVAL_KEY, INTERVAL_KEY + " must be at least 1s (or 0s for off)");
        }
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    /** Runs {@link #runOnce()} every interval on a daemon thread, the first time one interval from now. */
    public synchronized ScheduledCleanup start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-session-cleanup");
                t.setDaemon(true);
                return t;
            });
            long ms = interval.toMillis();
            scheduler.scheduleAtFixedRate(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void runQuietly() {
        try {
            runOnce()
                    .ifPresent(b -> log.info(
                            "session cleanup: {} users visited, {} expired entries removed",
                            b.usersVisited(),
                            b.entriesRemoved()));
        } catch (RuntimeException e) {
            // The next tick tries again; nothing is half-done (each user's entries are pruned atomically).
            log.warn("session cleanup failed: {}", e.toString());
        }
    }

    /**
     * Takes the lease and runs a whole pass, or skips when another instance holds the lease.
     *
     * @return what the pass did, or empty when skipped
     */
    public Optional<CleanupBatch> runOnce() {
        if (!takeLease()) {
            skipped.incrementAndGet();
            return Optional.empty();
        }
        CleanupBatch b = sessions.cleanup(BATCH).runToEnd();
        runs.incrementAndGet();
        usersVisited.addAndGet(b.usersVisited());
        entriesRemoved.addAndGet(b.entriesRemoved());
        return Optional.of(b);
    }

    private boolean takeLease() {
        if (redis.isEmpty()) {
            return true;
        }
        RedisConnector r = redis.get();
        String key = r.keys().plain("sess-cleanup", "lease");
        // A little shorter than the interval, so the instance that ran last can take the next one on time.
        long px = Math.max(500, interval.toMillis() - Math.min(interval.toMillis() / 10, 5_000));
        String reply = r.sync(c -> c.set(key, owner, SetArgs.Builder.nx().px(px)));
        return "OK".equals(reply);
    }

    /** Passes this instance ran. */
    public long runs() {
        return runs.get();
    }

    /** Ticks skipped because another instance held the lease. */
    public long skipped() {
        return skipped.get();
    }

    /** Users whose entries were examined, over every pass. */
    public long usersVisited() {
        return usersVisited.get();
    }

    /** Expired sessions and trust records removed, over every pass. */
    public long entriesRemoved() {
        return entriesRemoved.get();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
