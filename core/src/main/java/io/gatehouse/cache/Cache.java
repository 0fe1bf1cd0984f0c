package io.gatehouse.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named cache of JSON values of one type, shared by every Gatehouse instance on the same Redis
 * (or private to the process when the cache purpose is served in memory). Thread-safe.
 *
 * <p>Keys are 1 to 512 characters without braces, whitespace or control characters (they become
 * part of a Redis key); anything else is refused with {@link IllegalArgumentException} and changes
 * nothing. Group names follow the same rule and additionally may not contain {@code | , =}.
 *
 * <p>Values returned by a near cache are shared instances: cache immutable types (records).
 *
 * @param <V> the type of the values, (de)serialised with Jackson
 */
public interface Cache<V> {

    /** The cache's name, part of every Redis key it writes. */
    String name();

    /**
     * The value cached under {@code key}, or empty when there is none (never written, expired,
     * deleted, invalidated with one of its groups, or cached as absent). While Redis is unavailable
     * this is empty as well (counted in {@link CacheStats#errors()}): a cache that cannot be reached
     * misses, it does not fail the caller.
     *
     * @throws CacheValueException the stored value cannot be read as {@code V} (left as it is:
     *                             {@link #getOrLoad} replaces it)
     */
    Optional<V> get(String key);

    /** Writes {@code value} for {@code ttl}, replacing what was there and telling other near caches. */
    default void put(String key, V value, Duration ttl) {
        put(key, value, ttl, List.of());
    }

    /**
     * Writes {@code value} for {@code ttl} as a member of {@code groups}: {@link #invalidateGroup}
     * on any of them makes it unreadable. A loader still running for this key (in any instance)
     * will not overwrite it.
     *
     * @throws io.gatehouse.store.StoreException Redis could not be written (nothing is cached)
     * @throws CacheValueException               {@code value} cannot be written as JSON
     */
    void put(String key, V value, Duration ttl, Collection<String> groups);

    /**
     * Removes the value (and any lease a loader holds on it, so that a load started before this call
     * does not write an outdated value back). Near caches of other instances drop it within the
     * propagation delay.
     */
    void delete(String key);

    /** Shorthand for {@link #getOrLoad(String, Duration, Collection, CacheLoader)} with no groups. */
    default Optional<V> getOrLoad(String key, Duration ttl, CacheLoader<V> loader) {
        return getOrLoad(key, ttl, List.of(), loader);
    }

    /**
     * The cached value, or the loader's, which is then cached for {@code ttl} (an absent result for
     * the cache's negative TTL, if it has one).
     *
     * <p>Per key, the loader runs once however many threads and instances miss at the same time: in
     * this process one caller loads while the others wait for its result; across instances a short
     * lease in Redis lets one instance load while the others wait for the value to appear (up to
     * {@code gatehouse.cache.lease-wait}, after which they load themselves). Hot values are reloaded
     * in the background shortly before they expire (probabilistic early refresh, XFetch).
     *
     * <p>A loaded value is returned once its write is handed to Redis, without waiting for the answer
     * (up to {@code gatehouse.cache.fills-in-flight} such writes; 0: always wait). This instance's
     * later reads of the key wait for that write, and its later put or delete wins over it; another
     * instance's {@code getOrLoad} waits for it (the load lease is still held), while another
     * instance's plain {@link #get} may read a miss for about one round trip. A write that fails is
     * counted in {@link CacheStats#errors()}.
     *
     * <p>While Redis is unavailable the loader runs directly (still once per key in this process).
     *
     * @throws CacheLoadException the loader failed; nothing is cached, the next call loads again
     */
    Optional<V> getOrLoad(String key, Duration ttl, Collection<String> groups, CacheLoader<V> loader);

    /**
     * Makes every value written as a member of {@code group} unreadable, in every instance, in O(1):
     * one Redis command whatever the group's size (the group's generation is bumped; see
     * {@code docs/CACHE.md}).
     */
    void invalidateGroup(String group);

    /**
     * A warmer that writes the values {@code source} returns (key to value) for {@code ttl}; run it
     * now or on a schedule.
     */
    CacheWarmer warmer(String name, Duration ttl, WarmSource<V> source);

    /** Counters since this cache object was created, for this instance. */
    CacheStats stats();

    /** Where a warmer gets its values. */
    @FunctionalInterface
    interface WarmSource<V> {
        /** The entries to cache, key to value. */
        Map<String, V> entries() throws Exception;
    }
}
