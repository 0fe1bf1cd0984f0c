package io.gatehouse.ratelimit;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.util.Locale;

/** The {@code gatehouse.ratelimit.*} settings that shape the limiter (policies are in {@link RatePolicies}). */
record RateLimitSettings(TimeSource timeSource, CrossSlotMode crossSlot, boolean denyCache, int denyCacheMaxEntries) {
    static final String TIME_SOURCE = "gatehouse.ratelimit.time-source";
    static final String CROSS_SLOT = "gatehouse.ratelimit.cross-slot";
    static final String DENY_CACHE = "gatehouse.ratelimit.deny-cache.enabled";
    static final String DENY_CACHE_MAX = "gatehouse.ratelimit.deny-cache.max-entries";

    static RateLimitSettings read(GatehouseConfig config) {
        String ts = config.string(TIME_SOURCE, "redis").toLowerCase(Locale.ROOT);
        TimeSource timeSource = switch (ts) {
            case "redis" -> TimeSource.REDIS;
            case "client" -> TimeSource.CLIENT;
            default ->
                throw new ConfigException(
                        TIME_SOURCE,
                        TIME_SOURCE + " = '" + ts + "' must be 'redis' (Redis TIME, "
                                + "one clock for all instances; the default) or 'client' (this process's clock, for tests)");
        };
        String cs = config.string(CROSS_SLOT, "optimistic").toLowerCase(Locale.ROOT);
        CrossSlotMode crossSlot = switch (cs) {
            case "optimistic" -> CrossSlotMode.OPTIMISTIC;
            case "peek-first" -> CrossSlotMode.PEEK_FIRST;
            default ->
                throw new ConfigException(
                        CROSS_SLOT,
                        CROSS_SLOT + " = '" + cs + "' must be 'optimistic' (one round trip, "
                                + "refunds on refusal; the default) or 'peek-first' (peek every limit before consuming)");
        };
        long max = config.number(DENY_CACHE_MAX, 100_000);
        if (max < 1 || max > 10_000_000) {
            throw new ConfigException(DENY_CACHE_MAX, DENY_CACHE_MAX + " = " + max + " must be between 1 and 10000000");
        }
        return new RateLimitSettings(timeSource, crossSlot, config.flag(DENY_CACHE, true), (int) max);
    }
}
