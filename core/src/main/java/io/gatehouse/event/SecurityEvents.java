package io.gatehouse.event;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The security event log: record what happens to accounts, query it per user or globally, count it for
 * dashboards and export it for a SIEM.
 *
 * <pre>{@code
 * SecurityEvents events = SecurityEvents.open(stores);          // Redis for "events", else in memory
 * events.record(SecurityEvent.builder(EventType.LOGIN_FAILURE)
 *         .user("u42").ip("203.0.113.9").userAgent(ua).reason("bad_password"));
 * EventPage last = events.query(EventQuery.lastOf("u42", 50));
 * }</pre>
 *
 * <p>{@link #record} never blocks and never throws for a valid event: it does no I/O and takes no lock.
 * Events go to a bounded queue that a writer thread stores in batches (one script call per shard per
 * batch); when the queue is full they are handed to a spooler thread that appends them to a local spool
 * file, as are batches the store failed to take, and the spool is replayed once the store answers again.
 * When the spool's queue is full too, the event is counted as dropped ({@link EventStats#dropped()}). Storage is idempotent by
 * event id, so a replayed event is stored exactly once. Queries read the store directly and fail with a
 * {@link io.gatehouse.store.StoreException} when it is down.
 *
 * <p>Retention ({@code gatehouse.events.retention}, 90 days) is enforced as events are written and
 * filtered on every read; nothing sweeps. Implementations are thread-safe.
 */
public interface SecurityEvents extends AutoCloseable {

    /**
     * Records an event without waiting. The id and time the builder leaves unset are assigned here: a new
     * time-ordered ULID and this log's clock. Rate-limit events are sampled
     * ({@code gatehouse.events.rate-limit-sample}). The builder is not changed.
     *
     * @return the event as it will be stored; a sampled-out event is returned complete but not stored
     */
    SecurityEvent record(SecurityEvent.Builder event);

    /** One page of matching events, newest first. A malformed cursor is an {@link IllegalArgumentException}. */
    EventPage query(EventQuery query);

    /** Events stored per type and severity over the UTC days {@code from} to {@code to}, both included. */
    EventCounts counts(LocalDate from, LocalDate to);

    /**
     * Writes every stored event with a time in {@code [from, to)} as JSON lines (one object per line,
     * oldest first, the same fields as {@link SecurityEvent}) and returns how many were written.
     * The stream is not closed.
     */
    long export(Instant from, Instant to, OutputStream out) throws IOException;

    /**
     * Waits until every event recorded before this call is stored (or counted as dropped), at most
     * {@code timeout}. For shutdown and tests; request paths never call it.
     *
     * @return whether everything got stored in time
     */
    boolean flush(Duration timeout);

    /** The pipeline's counters. */
    EventStats stats();

    /** Stops the writer after trying to store what is queued for up to 5 seconds; what is left stays in the spool. */
    @Override
    void close();

    /** Opens the event log on {@code stores}: Redis when the {@code events} purpose has one, else in memory. */
    static SecurityEvents open(Stores stores) {
        return builder().stores(stores).build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** Assembles an event log. */
    final class Builder {
        // Resolved by build(): explicit settings win over those of stores(), whatever the call order.
        private GatehouseConfig config;
        private Stores stores;
        private RedisConnector redis;
        private boolean inMemory;
        private Clock clock = Clock.systemUTC();
        private EventArchive archive;

        private Builder() {}

        /** The configuration and the Redis deployment of {@link Purpose#EVENTS}. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** The {@code gatehouse.events.*} settings and data directory. */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Stores events in memory (single process; lost on exit). */
        public Builder inMemory() {
            this.redis = null;
            this.inMemory = true;
            return this;
        }

        /** The clock for event times, retention and day buckets. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Copies every stored event to this archive (the caller keeps ownership and closes it). Without
         * this, {@code gatehouse.events.archive.url} (off by default) makes the log open and own one.
         */
        public Builder archive(EventArchive archive) {
            this.archive = Objects.requireNonNull(archive);
            return this;
        }

        /** Starts the writer thread and replays a spool left by a previous run. */
        public SecurityEvents build() {
            GatehouseConfig config = this.config != null
                    ? this.config
                    : stores != null
                            ? stores.config()
                            : GatehouseConfig.builder().build();
            RedisConnector redis = this.redis != null || inMemory || stores == null
                    ? this.redis
                    : StoresRedis.of(stores, Purpose.EVENTS).orElse(null);
            EventSettings settings = EventSettings.from(config);
            EventStore store = redis != null
                    ? new RedisEventStore(redis, settings, clock)
                    : new InMemoryEventStore(settings, clock);
            EventArchive a = archive;
            boolean owned = false;
            if (a == null && settings.archive().isPresent()) {
                a = ArchivePool.open(settings.archive().get());
                owned = true;
            }
            return new EventRecorder(store, settings, clock, a, owned);
        }
    }
}
