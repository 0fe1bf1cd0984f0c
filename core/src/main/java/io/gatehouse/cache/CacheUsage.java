package io.gatehouse.cache;

/**
 * What a cache holds in its store now, counted by operators' tooling ({@link Caches#usage}).
 *
 * @param name           the cache
 * @param entries        values stored (loads in progress included: their key holds the load lease)
 * @param groups         group generations stored (groups invalidated at least once and not yet expired)
 * @param sampled        entries measured for {@link #bytesEstimated()}
 * @param bytesEstimated the entries' memory, extrapolated from the sample (Redis: {@code MEMORY USAGE};
 *                       in memory: the characters of the stored values); 0 when nothing was sampled
 */
public record CacheUsage(String name, long entries, long groups, long sampled, long bytesEstimated) {}
