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

    EventPage query(EventQuery query);

    EventCounts counts(LocalDate from, LocalDate to);

    long export(Instant from, Instant to, OutputStream out) throws IOException;

    /** Where this store is, for log messages. */
    String describe();
}
