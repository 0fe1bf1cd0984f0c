/**
 * Security events: an indexed, retained, queryable audit trail of what happens to accounts.
 *
 * <p>Public API: {@link io.gatehouse.event.SecurityEvents} (record, query, counts, export),
 * {@link io.gatehouse.event.SecurityEvent} and its builder, {@link io.gatehouse.event.EventType},
 * {@link io.gatehouse.event.Severity}, {@link io.gatehouse.event.EventQuery},
 * {@link io.gatehouse.event.EventPage}, {@link io.gatehouse.event.EventCounts} and
 * {@link io.gatehouse.event.EventStats}. Everything else is package-private: the recording pipeline
 * (queue, writer thread, spool file, webhook) and the two stores (Redis Streams, in memory) that share
 * one reading algorithm. Design, Redis layout and failure behaviour: {@code docs/EVENTS.md}.
 */
package io.gatehouse.event;
