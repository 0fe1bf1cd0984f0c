package io.gatehouse.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/*
 * The in-process copy of recently read entries (Caffeine), bounded in size and in age.
 *
 * The hard part is not serving a value that was invalidated while it was being read from Redis:
 * read v1 from Redis, meanwhile v2 is written elsewhere and its invalidation arrives (nothing to
 * drop yet), then v1 is stored here and served until the near TTL. To prevent that, every
 * invalidation first bumps a counter (one of 1024 stripes by key hash, or the global one for group
 * invalidations and clears), a reader takes the counters' sum before asking Redis, and a fill
 * happens only if the sum is unchanged. Once an invalidation has been received, no value read before
 * it can be served, not even for a moment.
 *
 * "Not even for a moment" is why the check and the put are one atomic step. Checking, putting and
 * then checking again (removing the entry if the sum moved) is not enough: a filler descheduled
 * between its first check and its put can put an old value after an invalidation (even after a whole
 * put() of this instance) completed, and until its second check removes it, any reader, including
 * the writer reading its own write, is served the old value. So:
 *   - a key's fill checks the sum inside the entry's compute, and invalidate() bumps the stripe
 *     before removing the entry (which takes the same per-key lock): either the fill ran first and
 *     its entry is removed, or it runs after and sees the bump;
 *   - group invalidations and clears cannot take per-key locks (they iterate), so they bump the
 *     global counter and sweep under a write lock, and fills hold the read lock: a sweep never runs
 *     between a fill's check and its put.
 */
final class NearCache<V> {
    private static final int STRIPES = 1024;

    /** A cached copy: the value (null when cached as absent), its store expiry and groups. */
    record Entry<V>(V value, long expiresAt, long loadMillis, List<String> groups) {}

    private final com.github.benmanes.caffeine.cache.Cache<String, Entry<V>> entries;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong global = new AtomicLong();
    /** Read: a fill's check-and-put. Write: a group invalidation's or clear's bump-and-sweep. */
    private final ReentrantReadWriteLock sweeps = new ReentrantReadWriteLock();

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
            return; // cheap early exit; the check that counts is the one inside compute
        }
        Lock lock = sweeps.readLock();
        lock.lock();
        try {
            // Checked and put atomically under the key's lock, which invalidate() takes after its bump.
            entries.asMap().compute(key, (k, old) -> stamp(k) == stamp ? e : old);
        } finally {
            lock.unlock();
        }
    }

    /** Bump first, then remove: a fill that checks after the bump does nothing, one before is removed. */
    void invalidate(String key) {
        stripes.incrementAndGet(stripe(key));
        entries.invalidate(key);
    }

    void invalidateGroup(String group) {
        Lock lock = sweeps.writeLock();
        lock.lock();
        try {
            global.incrementAndGet();
            entries.asMap().values().removeIf(e -> e.groups().contains(group));
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        Lock lock = sweeps.writeLock();
        lock.lock();
        try {
            global.incrementAndGet();
            entries.invalidateAll();
        } finally {
            lock.unlock();
        }
    }

    long size() {
        return entries.estimatedSize();
    }
}
