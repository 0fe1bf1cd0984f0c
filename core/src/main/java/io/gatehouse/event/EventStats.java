package io.gatehouse.event;

/**
 * Counters of the recording pipeline since start, for metrics (the server binds them to Micrometer as
 * function counters and gauges; the library does not depend on Micrometer).
 *
 * @param recorded   events accepted by {@link SecurityEvents#record}
 * @param stored     events written to the store (each once, whether directly or from the spool)
 * @param spooled    events written to the local spool file because the queue was full or the store failed
 * @param dropped    events lost: the spool was full or unwritable, or a spool line was unreadable
 * @param sampledOut rate-limit events not recorded because of sampling
 * @param expired    events older than the retention when they reached the store (not stored)
 * @param queued     events waiting in memory now (for the store, or for the spool file)
 * @param spoolBytes bytes of the spool file not yet replayed
 * @param webhookSent   critical events delivered to the webhook
 * @param webhookFailed critical events whose webhook delivery gave up after every retry
 * @param archived       events copied to the archive (PostgreSQL), 0 without one
 * @param archiveDropped events the archive did not get: its queue was full, or it was closed with them unwritten
 */
public record EventStats(
        long recorded,
        long stored,
        long spooled,
        long dropped,
        long sampledOut,
        long expired,
        long queued,
        long spoolBytes,
        long webhookSent,
        long webhookFailed,
        long archived,
        long archiveDropped) {}
