package io.gatehouse.event;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Where events are kept: Redis or memory. Writes are idempotent by event id. */
interface EventStore {

    /**
     * Stores every event (each with id and time) at most once, in one pipelined round of calls.
     * Events older than the retention are not stored.
     *
     * @return how many of them were older than the retention
     * @throws io.gatehouse.store.StoreException when the store failed; some events may be stored, which a
     *         retry of the same events does not duplicate
     */
    int write(List<SecurityEvent> events);

    /**
     * Starts writing the events and returns without waiting, so that the caller can prepare the next
     * batch while this one is on the wire and in Redis; {@link PendingWrite#await()} then finishes it as
     * {@link #write} would. The default writes at once.
     */
    default PendingWrite start(List<SecurityEvent> events) {
        int expired = write(events);
        return () -> expired;
    }

    /** A write in flight. */
    interface PendingWrite {
        /** Waits for it (bounded by the command timeout); returns or throws what {@link #write} would. */
        int await();
    }

    EventPage query(EventQuery query);

    EventCounts counts(LocalDate from, LocalDate to);

    long export(Instant from, Instant to, OutputStream out) throws IOException;

    /** Where this store is, for log messages. */
    String describe();
}
