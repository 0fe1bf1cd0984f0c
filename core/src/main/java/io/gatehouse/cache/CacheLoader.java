package io.gatehouse.cache;

import java.util.Optional;

/**
 * Loads the value of a key from its source of truth (a database, a remote service) on a cache miss.
 *
 * @param <V> the cached type
 */
@FunctionalInterface
public interface CacheLoader<V> {
    /**
     * The value of {@code key}, or empty when there is none (cached as absent if the cache has a
     * negative TTL). A thrown exception becomes a {@link CacheLoadException}; nothing is cached.
     */
    Optional<V> load(String key) throws Exception;
}
