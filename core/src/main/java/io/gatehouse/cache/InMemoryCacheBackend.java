package io.gatehouse.cache;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The same semantics as the Redis scripts, for one process: entries and leases expire by the clock,
 * multi-step operations run under one lock (the in-memory store is for development and single-node
 * use, where that lock is not the bottleneck), and "publishing" calls the listeners directly, after
 * the lock is released, as Redis delivers a message after the script that published it.
 */
final class InMemoryCacheBackend implements CacheBackend {
    private static final Logger log = LoggerFactory.getLogger(InMemoryCacheBackend.class);

    private record Item(String value, long expiresAt) {}

    private final Clock clock;
    private final Map<String, Item> entries = new ConcurrentHashMap<>();
    private final Map<String, Item> leases = new ConcurrentHashMap<>();
    private final Map<String, Item> generations = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private long lastGeneration;

    InMemoryCacheBackend(Clock clock) {
        this.clock = clock;
    }

    private static String id(String cache, String key) {
        return cache + '\u0000' + key;
    }

    private String live(Map<String, Item> map, String id) {
        Item item = map.get(id);
        if (item == null) {
            return null;
        }
        if (item.expiresAt() <= clock.millis()) {
            map.remove(id, item);
            return null;
        }
        return item.value();
    }

    private Item expiring(String value, long ttlMillis) {
        return new Item(value, clock.millis() + ttlMillis);
    }

    @Override
    public String get(String cache, String key) {
        return live(entries, id(cache, key));
    }

    @Override
    public Lookup lookup(String cache, String key, String token, long leaseMillis, String ignore, boolean willWait) {
        // One lease per key for loads and refreshes alike; messages are always delivered (no waiting mark).
        String id = id(cache, key);
        synchronized (lock) {
            String v = live(entries, id);
            if (v != null && !v.equals(ignore)) {
                return new Lookup(Found.VALUE, v, 0, null);
            }
            String holder = live(leases, id);
            if (holder == null) {
                leases.put(id, expiring(token, leaseMillis));
                return new Lookup(Found.LEASE_TAKEN, null, leaseMillis, null);
            }
            if (holder.equals(token)) {
                return new Lookup(Found.LEASE_TAKEN, null, leaseMillis, null);
            }
            return new Lookup(
                    Found.LEASE_HELD_BY_OTHER, null, Math.max(0, leases.get(id).expiresAt() - clock.millis()), holder);
        }
    }

    @Override
    public boolean tryLease(String cache, String key, String token, long leaseMillis) {
        String id = id(cache, key);
        synchronized (lock) {
            if (live(leases, id) != null) {
                return false;
            }
            leases.put(id, expiring(token, leaseMillis));
            return true;
        }
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
        // Always publishes (a method call here): waiters and near caches are told either way.
        String id = id(cache, key);
        synchronized (lock) {
            if (!token.equals(live(leases, id))) {
                return CompletableFuture.completedFuture(false);
            }
            entries.put(id, expiring(raw, ttlMillis));
            leases.remove(id);
        }
        publish(message);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public void put(String cache, String key, String raw, long ttlMillis, String message) {
        String id = id(cache, key);
        synchronized (lock) {
            entries.put(id, expiring(raw, ttlMillis));
            leases.remove(id);
        }
        publish(message);
    }

    @Override
    public CompletableFuture<Void> putAsync(String cache, String key, String raw, long ttlMillis, String message) {
        put(cache, key, raw, ttlMillis, message);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return future.join();
    }

    @Override
    public void delete(String cache, String key, String message) {
        String id = id(cache, key);
        synchronized (lock) {
            entries.remove(id);
            leases.remove(id);
        }
        publish(message);
    }

    @Override
    public void release(String cache, String key, String token, boolean refresh) {
        String id = id(cache, key);
        synchronized (lock) {
            if (token.equals(live(leases, id))) {
                leases.remove(id);
            }
        }
    }

    @Override
    public List<String> generations(String cache, List<String> groups) {
        List<String> gens = new ArrayList<>(groups.size());
        for (String g : groups) {
            String gen = live(generations, id(cache, g));
            gens.add(gen == null ? Envelope.NO_GENERATION : gen);
        }
        return gens;
    }

    @Override
    public void bumpGeneration(String cache, String group, long keepMillis, String message) {
        String id = id(cache, group);
        synchronized (lock) {
            // Never reuse a generation, even after the group's entry expired (see bump.lua).
            long now = clock.millis() * 1000;
            String cur = live(generations, id);
            long next = Math.max(Math.max(cur == null ? 0 : Long.parseLong(cur), lastGeneration) + 1, now);
            lastGeneration = next;
            generations.put(id, expiring(Long.toString(next), keepMillis));
        }
        publish(message);
    }

    @Override
    public void publish(String message) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(message);
            } catch (RuntimeException e) {
                log.warn("cache invalidation listener failed", e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void purgeExpired() {
        long now = clock.millis();
        for (Map<String, Item> map : List.of(entries, leases, generations)) {
            map.values().removeIf(item -> item.expiresAt() <= now);
        }
    }

    @Override
    public java.util.SortedSet<String> names() {
        purgeExpired();
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        entries.keySet().forEach(id -> names.add(id.substring(0, id.indexOf('\u0000'))));
        return names;
    }

    @Override
    public CacheUsage usage(String cache, int sample) {
        purgeExpired();
        String prefix = cache + '\u0000';
        long n = 0;
        long sampled = 0;
        long chars = 0;
        for (Map.Entry<String, Item> e : entries.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n++;
                if (sampled < sample) {
                    sampled++;
                    chars += e.getValue().value().length();
                }
            }
        }
        long groups = generations.keySet().stream()
                .filter(id -> id.startsWith(prefix))
                .count();
        return new CacheUsage(cache, n, groups, sampled, sampled == 0 ? 0 : chars * n / sampled);
    }

    @Override
    public long clear(String cache, String message) {
        String prefix = cache + '\u0000';
        long n;
        synchronized (lock) {
            purgeExpired();
            n = entries.keySet().stream().filter(id -> id.startsWith(prefix)).count();
            entries.keySet().removeIf(id -> id.startsWith(prefix));
            leases.keySet().removeIf(id -> id.startsWith(prefix));
        }
        publish(message);
        return n;
    }

    @Override
    public String describe() {
        return "in-memory";
    }
}
