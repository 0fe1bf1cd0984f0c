package io.gatehouse.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/*
 * The in-process copy of recently read entries (Caffeine), bounded in size and in age.
 *
 * The hard part is not serving a value that was invalidated while it was being read from Redis:
 * read v1 from Redis, meanwhile v2 is written elsewhere and its invalidation arrives (nothing to
 * drop yet), then v1 is stored here and served until the near TTL. To prevent that, every
 * invalidation first bumps a counter (one of 1024 stripes by key hash, or the global one for group
 * invalidations and clears), a reader takes the counters' sum before asking Redis, and a fill
 * happens only if the sum is unchanged after the entry is in place (checked after the put, and the
 * entry removed if it moved, so an invalidation racing with the fill always wins). Once an
 * invalidation has been received, no value read before it can be served.
 */
final class NearCache<V> {
    private static final int STRIPES = 1024;

    /** A cached copy: the value (null when cached as absent), its store expiry and groups. */
    record Entry<V>(V value, long expiresAt, long loadMillis, List<String> groups) {
    }

    private final com.github.benmanes.caffeine.cache.Cache<String, Entry<V>> entries;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong global = new AtomicLong();

    NearCache(long maxSize, Duration ttl, Clock clock) {
        long ttlNanos = ttl.toNanos();
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<String, Entry<V>>() {
                    @Override
                    public long expireAfterCreate(String key, Entry<V> e, long now) {
                        // Never longer than the store keeps it, never longer than the near TTL.
                        long left = TimeUnit.MILLISECONDS.toNanos(e.expiresAt() - clock.millis());
                        return Math.max(0, Math.min(ttlNanos, left));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry<V> e, long now, long current) {
                        return expireAfterCreate(key, e, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry<V> e, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    Entry<V> get(String key) {
        return entries.getIfPresent(key);
    }

    private static int stripe(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** Taken before reading the store; both counters only grow, so the sum changes iff either did. */
    long stamp(String key) {
        return global.get() + stripes.get(stripe(key));
    }

    /** Keeps {@code e} unless an invalidation touching {@code key} happened since {@code stamp}. */
    void fill(String key, Entry<V> e, long stamp) {
        if (stamp(key) != stamp) {
            return;
        }
        entries.put(key, e);
        if (stamp(key) != stamp) {
            entries.asMap().remove(key, e);
        }
    }

    void invalidate(String key) {
        stripes.incrementAndGet(stripe(key));
        entries.invalidate(key);
    }

    void invalidateGroup(String group) {
        global.incrementAndGet();
        entries.asMap().values().removeIf(e -> e.groups().contains(group));
    }

    void clear() {
        global.incrementAndGet();
        entries.invalidateAll();
    }

    long size() {
        return entries.estimatedSize();
    }
}
