/**
 * Security events: an indexed, retained, queryable audit trail of what happens to accounts.
 *
 * <p>Public API: {@link io.gatehouse.event.SecurityEvents} (record, query, counts, export),
 * {@link io.gatehouse.event.SecurityEvent} and its builder, {@link io.gatehouse.event.EventType},
 * {@link io.gatehouse.event.Severity}, {@link io.gatehouse.event.EventQuery},
 * {@link io.gatehouse.event.EventPage}, {@link io.gatehouse.event.EventCounts} and
 * {@link io.gatehouse.event.EventStats}, and the optional PostgreSQL copy
 * {@link io.gatehouse.event.EventArchive}. Everything else is package-private: the recording pipeline
 * (lock-free queues, writer and spooler threads, spool file, webhook, archive feeder), the packed stream
 * encoding, and the two stores (Redis Streams, in memory) that share one reading algorithm. Design, Redis layout and failure behaviour: {@code docs/EVENTS.md}.
 */
package io.gatehouse.event;
