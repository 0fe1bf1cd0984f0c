package io.gatehouse.cache;

import java.time.Duration;

/**
 * A cache's counters in this instance since it was created.
 *
 * @param nearHits        reads answered by the near cache
 * @param hits            reads answered by Redis (or the in-memory store)
 * @param misses          reads that found nothing (including values invalidated by group)
 * @param loads           loader runs that returned (a value or absent)
 * @param loadFailures    loader runs that threw
 * @param loadTime        total time spent in loaders
 * @param refreshes       early (XFetch) background reloads started
 * @param leaseWaits      misses that waited for another instance's loader instead of loading
 * @param errors          store errors (a loader's write that failed after getOrLoad returned included) and
 *                        unreadable values met by reads (served as misses or loads)
 * @param invalidationsReceived invalidation messages from other instances applied to the near cache
 * @param nearSize        entries in the near cache now (0 when the cache has none)
 */
public record CacheStats(
        long nearHits,
        long hits,
        long misses,
        long loads,
        long loadFailures,
        Duration loadTime,
        long refreshes,
        long leaseWaits,
        long errors,
        long invalidationsReceived,
        long nearSize) {

    /** Hits (near and store) over all reads; 0 when there were none. */
    public double hitRatio() {
        long all = nearHits + hits + misses;
        return all == 0 ? 0 : (double) (nearHits + hits) / all;
    }
}
