/**
 * The cache: typed JSON values in Redis (or in memory) with get-or-load, stampede protection across
 * instances, invalidation by key and by group, warmers, statistics and an optional near cache.
 *
 * <p>Start from {@link io.gatehouse.cache.Caches} ({@code Caches.open(stores)}), ask it for a
 * {@link io.gatehouse.cache.Cache} by name and value type, and use
 * {@link io.gatehouse.cache.Cache#getOrLoad} for read-through caching:
 *
 * <pre>{@code
 * Caches caches = Caches.open(stores);
 * Cache<Profile> profiles = caches.builder("profile", Profile.class)
 *         .nearCache(10_000, Duration.ofSeconds(5))
 *         .build();
 * Profile p = profiles.getOrLoad("u42", Duration.ofMinutes(10), id -> db.findProfile(id)).orElseThrow();
 * profiles.delete("u42");                       // after the profile changed
 * }</pre>
 *
 * <p>Everything but the public interfaces, builders, records and exceptions is package-private; the
 * design is explained in {@code docs/CACHE.md} and at the top of {@code ManagedCache}.
 */
package io.gatehouse.cache;
