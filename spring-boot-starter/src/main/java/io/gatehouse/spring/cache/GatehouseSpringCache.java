package io.gatehouse.spring.cache;

import io.gatehouse.cache.Cache;
import io.gatehouse.cache.CacheLoadException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * A Spring cache over a Gatehouse {@link Cache}. {@code @Cacheable(sync = true)} calls {@link #get(Object,
 * Callable)}, which is Gatehouse's {@code getOrLoad}: the loader runs once per key across every instance
 * (a lease in Redis), with the near cache and early refresh the Gatehouse cache has. Every entry is written
 * in the group {@value #ALL}, so {@link #clear()} ({@code @CacheEvict(allEntries = true)}) is one command
 * whatever the size; {@link #invalidateGroup} drops any other group.
 *
 * <p>Keys are the key objects' {@code toString()}; one that Redis keys cannot carry (whitespace, braces,
 * over 200 characters) is replaced by its SHA-256.
 */
public final class GatehouseSpringCache extends AbstractValueAdaptingCache {
    static final String ALL = "all";
    private final Cache<Object> cache;
    private final Duration ttl;

    GatehouseSpringCache(Cache<Object> cache, Duration ttl) {
        super(true);
        this.cache = cache;
        this.ttl = ttl;
    }

    @Override
    public String getName() {
        return cache.name();
    }

    /** The Gatehouse cache (stats, warmers, groups). */
    @Override
    public Cache<Object> getNativeCache() {
        return cache;
    }

    @Override
    protected Object lookup(Object key) {
        return cache.get(key(key)).orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        try {
            Optional<Object> v =
                    cache.getOrLoad(key(key), ttl, List.of(ALL), k -> Optional.ofNullable(valueLoader.call()));
            return (T) v.orElse(null);
        } catch (CacheLoadException e) {
            throw new ValueRetrievalException(key, valueLoader, e.getCause() != null ? e.getCause() : e);
        }
    }

    @Override
    public void put(Object key, Object value) {
        if (value == null) {
            cache.delete(key(key));
            return;
        }
        cache.put(key(key), value, ttl, List.of(ALL));
    }

    @Override
    public void evict(Object key) {
        cache.delete(key(key));
    }

    @Override
    public void clear() {
        cache.invalidateGroup(ALL);
    }

    /** Drops every entry written as a member of {@code group}, on every instance. */
    public void invalidateGroup(String group) {
        cache.invalidateGroup(group);
    }

    static String key(Object key) {
        String s = String.valueOf(key);
        if (s.length() <= 200
                && !s.isEmpty()
                && s.chars()
                        .noneMatch(
                                c -> c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            return s;
        }
        try {
            return "sha256."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(
                                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
