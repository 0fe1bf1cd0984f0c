package io.gatehouse.cache;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link CacheStats}: LongAdders, so hot hit paths do not contend on one word. */
final class StatsCounter {
    final LongAdder nearHits = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAdder refreshes = new LongAdder();
    final LongAdder leaseWaits = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder invalidationsReceived = new LongAdder();

    CacheStats snapshot(long nearSize) {
        return new CacheStats(
                nearHits.sum(),
                hits.sum(),
                misses.sum(),
                loads.sum(),
                loadFailures.sum(),
                Duration.ofNanos(loadNanos.sum()),
                refreshes.sum(),
                leaseWaits.sum(),
                errors.sum(),
                invalidationsReceived.sum(),
                nearSize);
    }
}
