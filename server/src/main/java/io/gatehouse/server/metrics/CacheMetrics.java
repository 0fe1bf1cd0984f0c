package io.gatehouse.server.metrics;

import io.gatehouse.cache.CacheStats;
import io.gatehouse.cache.Caches;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Counters of every cache of a {@link Caches}, by cache name (names are fixed in code, so the label is
 * bounded). Caches are made on first use, so {@link #registerNew()} runs before every scrape and
 * registers the ones made since; the values are read from {@link Caches#stats()} at scrape time.
 *
 * <ul>
 *   <li>{@code gatehouse_cache_requests_total{cache, result="near-hit|hit|miss"}}</li>
 *   <li>{@code gatehouse_cache_loads_total{cache, result="success|failure"}}</li>
 *   <li>{@code gatehouse_cache_load_duration_seconds_total{cache}}: time spent in loaders</li>
 *   <li>{@code gatehouse_cache_errors_total{cache}}: store errors and unreadable values met by reads</li>
 * </ul>
 */
final class CacheMetrics {
    private final Caches caches;
    private final MeterRegistry registry;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    CacheMetrics(Caches caches, MeterRegistry registry) {
        this.caches = caches;
        this.registry = registry;
    }

    /** Registers the counters of caches made since the last call. */
    void registerNew() {
        for (String name : caches.stats().keySet()) {
            if (registered.add(name)) {
                register(name);
            }
        }
    }

    private void register(String name) {
        counter("gatehouse.cache.requests", name, "result", "near-hit", "Cache reads by result", CacheStats::nearHits);
        counter("gatehouse.cache.requests", name, "result", "hit", "Cache reads by result", CacheStats::hits);
        counter("gatehouse.cache.requests", name, "result", "miss", "Cache reads by result", CacheStats::misses);
        counter("gatehouse.cache.loads", name, "result", "success", "Loader runs by result", CacheStats::loads);
        counter("gatehouse.cache.loads", name, "result", "failure", "Loader runs by result", CacheStats::loadFailures);
        counter(
                "gatehouse.cache.errors",
                name,
                null,
                null,
                "Store errors and unreadable values met by reads",
                CacheStats::errors);
        FunctionCounter.builder(
                        "gatehouse.cache.load.duration",
                        this,
                        m -> m.stat(name, s -> s.loadTime().toNanos() / (double) TimeUnit.SECONDS.toNanos(1)))
                .description("Time spent in loaders")
                .baseUnit("seconds")
                .tag("cache", name)
                .register(registry);
    }

    private void counter(
            String meter, String cache, String tag, String value, String description, ToDoubleFunction<CacheStats> f) {
        FunctionCounter.Builder<CacheMetrics> b = FunctionCounter.builder(meter, this, m -> m.stat(cache, f))
                .description(description)
                .tag("cache", cache);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    private double stat(String cache, ToDoubleFunction<CacheStats> f) {
        Map<String, CacheStats> all = caches.stats();
        CacheStats s = all.get(cache);
        return s == null ? 0 : f.applyAsDouble(s);
    }
}
