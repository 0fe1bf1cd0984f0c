package io.gatehouse.cache;

import io.gatehouse.redis.KeySpace;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.redis.RedisScript.Reply;
import io.gatehouse.store.StoreCommandException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import io.gatehouse.store.StoreTimeoutException;
import io.lettuce.core.SetArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/*
 * Key layout (prefix "gatehouse", cache "profile", key "u42", group "tenant-7"):
 *   gatehouse:cache:profile:{u42}               the entry (string, PX = its TTL), or while the key is
 *                                               being loaded after a miss, the load lease
 *                                               "L|<token>" (PX = gatehouse.cache.lease)
 *   gatehouse:cache:profile:{u42}:lease         early-refresh lease: a token, PX = gatehouse.cache.lease
 * The load lease lives in the value key so that a get-or-load is one plain command, hit or miss:
 * SET value "L|<token>" NX PX <lease> GET returns the entry (a hit, nothing written), or nil (the
 * caller now holds the lease), or another loader's placeholder. Plain GETs read a placeholder as a
 * miss. A caller of another instance that waits for the lease marks it "L|<token>|w", so that the
 * holder's store publishes a wake-up (loads nobody waits for publish nothing).
 *   gatehouse:cache-group:profile:{tenant-7}    the group's generation (string, PX = max TTL)
 *   channel gatehouse:cache                     invalidations and heartbeats of every cache
 * Entry and lease share the key as hash tag, so every script touches one slot. A group's members live
 * in many slots, which is why groups are invalidated by generation rather than by deleting members.
 */
final class RedisCacheBackend implements CacheBackend {
    private static final RedisScript LOOKUP = RedisScript.load(RedisCacheBackend.class, "lookup.lua", Reply.MULTI);
    private static final RedisScript STORE = RedisScript.load(RedisCacheBackend.class, "store.lua", Reply.INTEGER);
    private static final RedisScript PUT = RedisScript.load(RedisCacheBackend.class, "put.lua", Reply.INTEGER);
    private static final RedisScript DELETE = RedisScript.load(RedisCacheBackend.class, "delete.lua", Reply.INTEGER);
    private static final RedisScript RELEASE = RedisScript.load(RedisCacheBackend.class, "release.lua", Reply.INTEGER);
    private static final RedisScript BUMP = RedisScript.load(RedisCacheBackend.class, "bump.lua", Reply.VALUE);

    private final RedisConnector redis;
    private final KeySpace keys;
    private final String channel;
    /** Loaders' writes after misses, grouped while one batch is on its way; null on Cluster. */
    private final StoreBatcher batcher;
    /** How long {@link #await} waits: the longest a call can take, plus a little. */
    private final long awaitMillis;

    RedisCacheBackend(RedisConnector redis) {
        this.redis = redis;
        this.keys = redis.keys();
        this.channel = keys.channel("cache");
        this.batcher = redis.isCluster() ? null : new StoreBatcher(redis);
        this.awaitMillis = redis.longestCall().toMillis() + 50;
        redis.preload(List.of(LOOKUP, STORE, StoreBatcher.STORES, PUT, DELETE, RELEASE, BUMP));
    }

    String valueKey(String cache, String key) {
        return keys.key("cache:" + cache, key);
    }

    private String leaseKey(String cache, String key) {
        return keys.key("cache:" + cache, key, "lease");
    }

    private String groupKey(String cache, String group) {
        return keys.key("cache-group:" + cache, group);
    }

    /** The load lease: the value key holds this plus the holder's token while it loads. */
    private static final String PLACEHOLDER = "L|";
    /** Appended to the placeholder by a caller of another instance that waits for the load. */
    private static final String WAITED = "|w";

    @Override
    public String get(String cache, String key) {
        String k = valueKey(cache, key);
        String v = redis.sync(c -> c.get(k));
        return v == null || v.startsWith(PLACEHOLDER) ? null : v;
    }

    @Override
    public Lookup lookup(String cache, String key, String token, long leaseMillis, String ignore, boolean willWait) {
        if (ignore == null && !willWait) {
            // The common case, hit or miss: one plain command, no script.
            String k = valueKey(cache, key);
            String mine = PLACEHOLDER + token;
            String before;
            try {
                before = redis.sync(c -> c.setGet(k, mine, SetArgs.Builder.nx().px(leaseMillis)));
            } catch (StoreCommandException | StoreFullException refused) {
                // A write refused even where NX would write nothing: OOM (maxmemory with noeviction)
                // or an ACL without SET. Reads may still work: serve a hit; a miss fails as before
                // (the caller loads without caching).
                String v = get(cache, key);
                if (v == null) {
                    throw refused;
                }
                return new Lookup(Found.VALUE, v, 0, null);
            }
            if (before == null || isLease(before, mine)) {
                return new Lookup(Found.LEASE_TAKEN, null, leaseMillis, null);
            }
            if (before.startsWith(PLACEHOLDER)) {
                int end = before.endsWith(WAITED) ? before.length() - WAITED.length() : before.length();
                return new Lookup(Found.LEASE_HELD_BY_OTHER, null, 0, before.substring(PLACEHOLDER.length(), end));
            }
            return new Lookup(Found.VALUE, before, 0, null);
        }
        List<Object> reply = redis.eval(
                LOOKUP, List.of(valueKey(cache, key)), token, Long.toString(leaseMillis), ignore == null ? "" : ignore);
        long kind = (Long) reply.get(0);
        if (kind == 1) {
            return new Lookup(Found.VALUE, (String) reply.get(1), 0, null);
        }
        if (kind == 2) {
            return new Lookup(Found.LEASE_TAKEN, null, leaseMillis, null);
        }
        return new Lookup(
                Found.LEASE_HELD_BY_OTHER,
                null,
                Math.max(0, (Long) reply.get(1)),
                reply.size() > 2 ? (String) reply.get(2) : null);
    }

    /** Whether {@code v} is the placeholder {@code mine}, marked as waited for or not. */
    private static boolean isLease(String v, String mine) {
        return v.startsWith(mine)
                && (v.length() == mine.length()
                        || (v.length() == mine.length() + WAITED.length() && v.endsWith(WAITED)));
    }

    @Override
    public boolean tryLease(String cache, String key, String token, long leaseMillis) {
        String k = leaseKey(cache, key);
        return "OK".equals(redis.sync(c -> c.set(k, token, SetArgs.Builder.nx().px(leaseMillis))));
    }

    @Override
    public CompletableFuture<Boolean> storeLeased(
            String cache,
            String key,
            String token,
            boolean refresh,
            String raw,
            long ttlMillis,
            String message,
            boolean notify) {
        String value = valueKey(cache, key);
        String expected = refresh ? token : PLACEHOLDER + token;
        String ttl = Long.toString(ttlMillis);
        CompletableFuture<Long> stored;
        if (batcher != null && !refresh && !notify) {
            stored = batcher.store(value, expected, raw, ttl); // the common miss: grouped with others
        } else {
            List<String> keys = List.of(value, refresh ? leaseKey(cache, key) : value);
            stored = notify
                    ? redis.evalAsync(STORE, keys, expected, raw, ttl, channel, message)
                    : redis.evalAsync(STORE, keys, expected, raw, ttl);
        }
        return stored.thenApply(reply -> {
            if (reply == 2L) {
                // Another instance waits for this load: wake it (rare; nobody waits for the reply).
                redis.async(c -> c.publish(channel, message));
            }
            return reply != 0L;
        });
    }

    @Override
    public void put(String cache, String key, String raw, long ttlMillis, String message) {
        redis.eval(
                PUT,
                List.of(valueKey(cache, key), leaseKey(cache, key)),
                raw,
                Long.toString(ttlMillis),
                channel,
                message);
    }

    @Override
    public CompletableFuture<Void> putAsync(String cache, String key, String raw, long ttlMillis, String message) {
        return redis.<Long>evalAsync(
                        PUT,
                        List.of(valueKey(cache, key), leaseKey(cache, key)),
                        raw,
                        Long.toString(ttlMillis),
                        channel,
                        message)
                .thenApply(n -> null);
    }

    @Override
    public void delete(String cache, String key, String message) {
        redis.eval(DELETE, List.of(valueKey(cache, key), leaseKey(cache, key)), channel, message);
    }

    @Override
    public void release(String cache, String key, String token, boolean refresh) {
        if (refresh) {
            redis.eval(RELEASE, List.of(leaseKey(cache, key)), token);
        } else {
            redis.eval(RELEASE, List.of(valueKey(cache, key)), PLACEHOLDER + token);
        }
    }

    @Override
    public List<String> generations(String cache, List<String> groups) {
        // One GET per group, sent together: groups live in different slots (and Cluster nodes).
        List<CompletableFuture<String>> gets = new ArrayList<>(groups.size());
        for (String g : groups) {
            String k = groupKey(cache, g);
            gets.add(redis.async(c -> c.get(k)));
        }
        List<String> gens = new ArrayList<>(gets.size());
        for (CompletableFuture<String> f : gets) {
            String gen = await(f);
            gens.add(gen == null ? Envelope.NO_GENERATION : gen);
        }
        return gens;
    }

    /** {@code <prefix>:cache:<name>:} (names are [a-z0-9_.-]: no glob characters to escape). */
    private String cachePrefix(String cache) {
        return keys.prefix() + ":cache:" + cache + ":";
    }

    private static boolean isEntry(String key) {
        return !key.endsWith("}:lease") && !key.endsWith("}:waiting");
    }

    @Override
    public java.util.SortedSet<String> names() {
        String prefix = keys.prefix() + ":cache:";
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        redis.scan(prefix + "*", page -> {
            for (String key : page) {
                int end = key.indexOf(':', prefix.length());
                if (end > prefix.length()) {
                    names.add(key.substring(prefix.length(), end));
                }
            }
            return true;
        });
        return names;
    }

    @Override
    public CacheUsage usage(String cache, int sample) {
        long[] n = new long[3]; // entries, sampled, sampled bytes
        redis.scan(cachePrefix(cache) + "{*", page -> {
            for (String key : page) {
                if (!isEntry(key)) {
                    continue;
                }
                n[0]++;
                if (n[1] < sample) {
                    Long bytes = redis.sync(c -> c.memoryUsage(key));
                    if (bytes != null) {
                        n[1]++;
                        n[2] += bytes;
                    }
                }
            }
            return true;
        });
        long[] groups = new long[1];
        redis.scan(keys.prefix() + ":cache-group:" + cache + ":{*", page -> {
            groups[0] += page.size();
            return true;
        });
        return new CacheUsage(cache, n[0], groups[0], n[1], n[1] == 0 ? 0 : n[2] * n[0] / n[1]);
    }

    /** One UNLINK per key, a page at a time, pipelined: single-key commands, so any key layout and Cluster work. */
    @Override
    public long clear(String cache, String message) {
        long[] removed = new long[1];
        redis.scan(cachePrefix(cache) + "{*", page -> {
            List<CompletableFuture<Long>> unlinks = new ArrayList<>(page.size());
            for (String key : page) {
                unlinks.add(redis.async(c -> c.unlink(key)));
            }
            for (int i = 0; i < page.size(); i++) {
                long gone = await(unlinks.get(i));
                if (isEntry(page.get(i))) {
                    removed[0] += gone;
                }
            }
            return true;
        });
        publish(message);
        return removed[0];
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        try {
            return redis.await(future, awaitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreCommandException(redis.target(), "cache command failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new StoreTimeoutException(redis.target(), "Redis " + redis.target() + " did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreTimeoutException(redis.target(), "interrupted while waiting for Redis " + redis.target());
        }
    }

    @Override
    public void bumpGeneration(String cache, String group, long keepMillis, String message) {
        redis.eval(BUMP, List.of(groupKey(cache, group)), Long.toString(keepMillis), channel, message);
    }

    @Override
    public void publish(String message) {
        redis.publish(channel, message);
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> listener) {
        return redis.subscribe(channel, listener);
    }

    @Override
    public String describe() {
        return redis.target();
    }
}
