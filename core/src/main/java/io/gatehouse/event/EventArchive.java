package io.gatehouse.event;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import javax.sql.DataSource;

/**
 * A durable copy of security events in a relational database, for retention beyond Redis's window.
 *
 * <p>The recorder feeds it asynchronously: every batch that reaches the event store is handed to the
 * archive's own thread, which inserts it in JDBC batches of {@code gatehouse.events.archive.batch-size}.
 * A slow or unreachable database never slows recording: when the archive's queue is full, the events are
 * counted in {@link EventStats#archiveDropped()} (they are still in Redis, and can be copied again:
 * {@link #store} is idempotent).
 *
 * <pre>{@code
 * EventArchive archive = EventArchive.jdbc(dataSource);          // PostgreSQL 11 or later
 * SecurityEvents events = SecurityEvents.builder().stores(stores).archive(archive).build();
 * List<SecurityEvent> march = archive.query("u42", Instant.parse("2026-03-01T00:00:00Z"),
 *         Instant.parse("2026-04-01T00:00:00Z"), 100);
 * }</pre>
 *
 * <p>Or, with {@code gatehouse.events.archive.url} set, the builder opens one on a small connection
 * pool of its own. Layout (docs/EVENTS.md): table {@code gatehouse_security_events}, partitioned by
 * month on {@code occurred_at}; partitions are created when the first event of a month arrives.
 */
public interface EventArchive extends AutoCloseable {

    /**
     * Stores the events, each at most once (an event already archived is skipped), creating the table
     * and the partitions of their months as needed. Safe to call from several threads and instances.
     *
     * @return how many of them were new
     * @throws io.gatehouse.store.StoreUnavailableException when the database fails; none of the events
     *         is stored then (one transaction), and calling again with the same events is safe
     */
    int store(List<SecurityEvent> events);

    /** The events of {@code user} with a time in {@code [from, to)}, newest first, at most {@code limit} (1 to 10,000). */
    List<SecurityEvent> query(String user, Instant from, Instant to, int limit);

    /**
     * Drops the monthly partitions that end on or before the start of {@code month} (whole months of
     * events, in one statement each, no row-by-row delete).
     *
     * @return the months dropped
     */
    List<YearMonth> dropMonthsBefore(YearMonth month);

    /** Releases what the archive owns (a pool it opened itself); a caller's DataSource is left open. */
    @Override
    void close();

    /** An archive in the PostgreSQL database behind {@code dataSource}; the caller keeps and closes the DataSource. */
    static EventArchive jdbc(DataSource dataSource) {
        return new JdbcEventArchive(dataSource, null, "postgresql");
    }
}
