package io.gatehouse.cache;

import com.fasterxml.jackson.databind.JavaType;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one cache, preset from {@code gatehouse.cache.*}; {@link #build()} registers it with its
 * {@link Caches}.
 *
 * @param <V> the cached type
 */
public final class CacheBuilder<V> {
    private final Caches caches;
    private final String name;
    private final JavaType type;
    private CacheSettings s;

    CacheBuilder(Caches caches, String name, JavaType type, CacheSettings defaults) {
        this.caches = caches;
        this.name = name;
        this.type = type;
        this.s = defaults;
    }

    /**
     * Keeps up to {@code maxSize} entries in this process for at most {@code ttl} each. Other
     * instances' writes drop them within the propagation delay (see docs/CACHE.md).
     */
    public CacheBuilder<V> nearCache(long maxSize, Duration ttl) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("near cache size must be at least 1");
        }
        requirePositive(ttl, "near cache TTL");
        s = new CacheSettings(s.lease(), s.leaseWait(), s.maxTtl(), s.beta(), s.negativeTtl(), maxSize, ttl);
        return this;
    }

    /** No near cache, whatever the configuration says. */
    public CacheBuilder<V> noNearCache() {
        s = new CacheSettings(s.lease(), s.leaseWait(), s.maxTtl(), s.beta(), s.negativeTtl(), 0, s.nearTtl());
        return this;
    }

    /** Caches "absent" loader results for {@code ttl}; {@link Duration#ZERO} turns it off. */
    public CacheBuilder<V> negativeTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.compareTo(s.maxTtl()) > 0) {
            throw new IllegalArgumentException("negative TTL must be from 0 to the max TTL, not " + ttl);
        }
        s = new CacheSettings(s.lease(), s.leaseWait(), s.maxTtl(), s.beta(), ttl, s.nearMaxSize(), s.nearTtl());
        return this;
    }

    /** XFetch eagerness: 0 turns early refresh off, 1 is the usual value, larger refreshes earlier. */
    public CacheBuilder<V> earlyRefresh(double beta) {
        if (!(beta >= 0 && beta <= 100)) {
            throw new IllegalArgumentException("beta must be from 0 to 100, not " + beta);
        }
        s = new CacheSettings(
                s.lease(), s.leaseWait(), s.maxTtl(), beta, s.negativeTtl(), s.nearMaxSize(), s.nearTtl());
        return this;
    }

    /**
     * How long a loader's lease lasts ({@code lease}: a crashed loader delays other instances this
     * long at most) and how long a miss waits for another instance's loader before loading itself.
     */
    public CacheBuilder<V> lease(Duration lease, Duration maxWait) {
        requirePositive(lease, "lease");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("lease wait must not be negative");
        }
        s = new CacheSettings(lease, maxWait, s.maxTtl(), s.beta(), s.negativeTtl(), s.nearMaxSize(), s.nearTtl());
        return this;
    }

    public Cache<V> build() {
        return caches.register(name, type, s);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, not " + d);
        }
    }
}
