package io.gatehouse.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One cache: near copy (optional) -> store -> loader.
 *
 * getOrLoad asks Redis once (backend.lookup; on Redis one plain SET value "L|token" NX PX GET), which
 * returns the value or, when there is none, gives the caller the key's load lease: a hit is one round
 * trip, a miss two (lookup, then store.lua), as few as a plain GET + SET. So that a key's loader runs
 * once however many callers miss together:
 *   1. in this process, the lease holder registers a future under the key (a ConcurrentHashMap entry
 *      of that key only: no lock shared between keys); callers that find it wait on it without asking
 *      Redis, callers told by the lookup that the lease is held look for it again;
 *   2. across processes, a caller told that another instance holds the lease becomes its process's
 *      waiter (one per key per process, the others wait on it), asking with lookup.lua from then
 *      on: it is woken by the holder's store
 *      message (lookup.lua marked the lease as waited for, so its store publishes) or by its own polling
 *      back-off (1 ms doubling to 50 ms), and asks again; after gatehouse.cache.lease-wait it gives up
 *      waiting and loads itself.
 * The loader's result is written by store.lua only while the lease is still the holder's: a delete or
 * put during the load removes the lease, so an outdated load never overwrites a newer write. It
 * publishes only when someone waits or a near cache may hold the key (Invalidations). The caller
 * returns the loaded value as soon as that write is handed to the store (filled), without waiting for
 * Redis's answer: one awaited round trip per miss, like a cache that only reads before loading. While
 * the write is on its way the key still holds the lease, so another instance's getOrLoad waits for the
 * value (woken by the store's message) instead of loading again, and a plain get there reads a miss as
 * during the load; this instance's own get and getOrLoad of the key wait for the write first (filling),
 * and its put or delete, whatever reaches Redis first, leaves the newer state (the write is guarded by
 * the lease they remove). The writes nobody waits for are bounded (Fills, gatehouse.cache.fills-in-flight:
 * beyond it the caller waits for its write, as with 0). On a single server the writes of concurrent
 * misses go to Redis together (StoreBatcher: one script call per batch, each write with its own guard
 * and reply).
 *
 * Group membership is stamped into the entry (each group's generation, read before the loader runs);
 * invalidating a group bumps its generation (O(1), Cluster-safe) and older stamps read as misses.
 *
 * Early refresh (XFetch, Vattani et al. 2015): a hit at time t on an entry expiring at e that took d
 * to load triggers one background reload (per key, per process; across processes through the lease)
 * when t - d * beta * ln(random) >= e, so hot keys are reloaded shortly before they expire and never
 * all miss at once.
 */
final class ManagedCache<V> implements Cache<V>, Invalidations.Listener {
    private final List<CacheWarmer> warmers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Logger log = LoggerFactory.getLogger(ManagedCache.class);
    private static final long MAX_BACKOFF_MILLIS = 50;

    private final String name;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final CacheBackend backend;
    private final Invalidations invalidations;
    private final NearCache<V> near;
    private final CacheSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final StatsCounter stats = new StatsCounter();
    private final Map<String, CompletableFuture<Optional<V>>> inflight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    /** This instance's loader writes that getOrLoad returned before, by key, until Redis answers them. */
    private final Map<String, CompletableFuture<Void>> filling = new ConcurrentHashMap<>();

    private final Fills fills;
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final AtomicLong tokens = new AtomicLong();
    /** The lease tokens of this instance start with this; another instance's do not. */
    private final String tokenPrefix;
    /** Whether this instance's heartbeat naming the near cache was heard (Invalidations). */
    private volatile boolean nearAnnounced;

    ManagedCache(
            String name,
            ObjectReader reader,
            ObjectWriter writer,
            CacheBackend backend,
            Invalidations invalidations,
            CacheSettings settings,
            Clock clock,
            ScheduledExecutorService scheduler,
            Fills fills) {
        this.name = name;
        this.reader = reader;
        this.writer = writer;
        this.backend = backend;
        this.invalidations = invalidations;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.fills = fills;
        this.near =
                settings.nearMaxSize() > 0 ? new NearCache<>(settings.nearMaxSize(), settings.nearTtl(), clock) : null;
        this.tokenPrefix = invalidations.instance() + ":";
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<V> get(String key) {
        Keys.requireKey(key);
        NearCache.Entry<V> nearEntry = nearGet(key);
        if (nearEntry != null) {
            stats.nearHits.increment();
            return Optional.ofNullable(nearEntry.value());
        }
        awaitFill(key);
        long stamp = near == null ? 0 : near.stamp(key);
        String raw;
        try {
            raw = backend.get(name, key);
        } catch (StoreException e) {
            storeError(e);
            stats.misses.increment();
            return Optional.empty();
        }
        Read<V> read = raw == null ? null : read(key, raw);
        if (read == null) {
            stats.misses.increment();
            return Optional.empty();
        }
        stats.hits.increment();
        fillNear(key, read, stamp);
        return Optional.ofNullable(read.value());
    }

    @Override
    public Optional<V> getOrLoad(String key, Duration ttl, Collection<String> groups, CacheLoader<V> loader) {
        Keys.requireKey(key);
        long ttlMillis = requireTtl(ttl);
        List<String> groupList = Keys.requireGroups(groups);
        Objects.requireNonNull(loader, "loader");
        NearCache.Entry<V> nearEntry = nearGet(key);
        if (nearEntry != null) {
            stats.nearHits.increment();
            maybeRefresh(key, nearEntry.expiresAt(), nearEntry.loadMillis(), ttlMillis, groupList, loader);
            return Optional.ofNullable(nearEntry.value());
        }
        CompletableFuture<Optional<V>> running = inflight.get(key);
        if (running != null) {
            stats.misses.increment();
            return join(key, running); // a load of this key is under way here: no need to ask Redis
        }
        awaitFill(key);
        long stamp = near == null ? 0 : near.stamp(key);
        String token = newToken();
        CacheBackend.Lookup found;
        try {
            found = backend.lookup(name, key, token, settings.lease().toMillis(), null, false);
        } catch (StoreException e) {
            storeError(e);
            stats.misses.increment();
            return singleFlight(key, () -> runLoader(key, loader).value());
        }
        String unusable = null;
        switch (found.found()) {
            case VALUE -> {
                Read<V> read = readOrNull(key, found.raw());
                if (read != null) {
                    stats.hits.increment();
                    fillNear(key, read, stamp);
                    maybeRefresh(key, read.expiresAt(), read.loadMillis(), ttlMillis, groupList, loader);
                    return Optional.ofNullable(read.value());
                }
                unusable = found.raw(); // unreadable or invalidated by group: replace it
            }
            case LEASE_TAKEN -> {
                stats.misses.increment();
                return loadAsLeaseHolder(key, ttlMillis, groupList, loader, token, stamp);
            }
            case LEASE_HELD_BY_OTHER -> {
                // This process's holder registers its future right after its lookup; give it that moment.
                running = inflight.get(key);
                if (running == null && isOurs(found.holder())) {
                    Thread.yield();
                    running = inflight.get(key);
                }
                if (running != null) {
                    stats.misses.increment();
                    return join(key, running);
                }
            }
            default -> throw new IllegalStateException(found.found().name());
        }
        stats.misses.increment();
        String ignore = unusable;
        return singleFlight(key, () -> loadShared(key, ttlMillis, groupList, loader, stamp, ignore));
    }

    private String newToken() {
        return tokenPrefix + tokens.incrementAndGet();
    }

    private boolean isOurs(String holder) {
        return holder != null && holder.startsWith(tokenPrefix);
    }

    /**
     * This caller took the lease in its lookup: it loads for the process (others join its future).
     * If another thread of this process registered a load of the key first (its lease was removed by
     * a delete or put, so this one could take a new one), this caller loads on its own: the older
     * load will not be written.
     */
    private Optional<V> loadAsLeaseHolder(
            String key, long ttlMillis, List<String> groups, CacheLoader<V> loader, String token, long stamp) {
        CompletableFuture<Optional<V>> mine = new CompletableFuture<>();
        boolean registered = inflight.putIfAbsent(key, mine) == null;
        try {
            List<String> gens;
            try {
                // Read before the loader runs: an invalidation during the load makes this load stale.
                gens = groups.isEmpty() ? List.of() : backend.generations(name, groups);
            } catch (StoreException e) {
                storeError(e);
                releaseQuietly(key, token, false);
                Optional<V> result = runLoader(key, loader).value();
                mine.complete(result);
                return result;
            }
            Optional<V> result = filled(key, loadAndSend(key, ttlMillis, groups, gens, loader, token, false, stamp));
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            if (registered) {
                inflight.remove(key, mine);
            }
        }
    }

    private NearCache.Entry<V> nearGet(String key) {
        if (near == null || !nearAnnounced || !invalidations.live()) {
            return null;
        }
        return near.get(key);
    }

    /** What a store entry says; null from {@link #read} when it is absent by group invalidation. */
    private record Read<V>(V value, long expiresAt, long loadMillis, List<String> groups) {}

    /** Decodes an entry; null if a group it belongs to was invalidated since it was written. */
    private Read<V> read(String key, String raw) {
        Envelope env = Envelope.decode(raw);
        if (env == null) {
            throw new CacheValueException(name, key, "is not a Gatehouse cache entry", null);
        }
        if (!env.groups().isEmpty()) {
            try {
                if (!backend.generations(name, env.groups()).equals(env.generations())) {
                    return null;
                }
            } catch (StoreException e) {
                storeError(e);
                return null;
            }
        }
        V value = null;
        if (env.present()) {
            try {
                value = reader.readValue(env.jsonReader());
            } catch (JsonProcessingException e) {
                // Jackson's message quotes the value; cached values may be personal data, so it stays out.
                throw new CacheValueException(
                        name,
                        key,
                        "cannot be read as " + reader.getValueType().getTypeName()
                                + " (" + e.getClass().getSimpleName() + " at "
                                + (e.getLocation() == null
                                        ? "?"
                                        : e.getLocation().offsetDescription()) + ")",
                        null);
            } catch (java.io.IOException e) {
                throw new CacheValueException(
                        name, key, "cannot be read (" + e.getClass().getSimpleName() + ")", null);
            }
        }
        return new Read<>(value, env.expiresAt(), env.loadMillis(), env.groups());
    }

    /** Like {@link #read} but an unreadable entry is reported as unusable (null) instead of thrown. */
    private Read<V> readOrNull(String key, String raw) {
        try {
            return read(key, raw);
        } catch (CacheValueException e) {
            stats.errors.increment();
            log.warn("{}; it will be replaced by a fresh load", e.getMessage());
            return null;
        }
    }

    private void fillNear(String key, Read<V> read, long stamp) {
        if (near != null && nearAnnounced && invalidations.live()) {
            near.fill(
                    key,
                    new NearCache.Entry<>(read.value(), read.expiresAt(), read.loadMillis(), read.groups()),
                    stamp);
        }
    }

    // ---------------------------------------------------------------- loading

    private Optional<V> join(String key, CompletableFuture<Optional<V>> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CacheLoadException failed) {
                throw new CacheLoadException(name, key, failed.getCause());
            }
            if (e.getCause() instanceof RuntimeException other) {
                throw other;
            }
            throw e;
        }
    }

    private Optional<V> singleFlight(String key, Supplier<Optional<V>> leader) {
        CompletableFuture<Optional<V>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<V>> running = inflight.putIfAbsent(key, mine);
        if (running != null) {
            return join(key, running);
        }
        try {
            Optional<V> result = leader.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(key, mine);
        }
    }

    private Optional<V> loadShared(
            String key, long ttlMillis, List<String> groups, CacheLoader<V> loader, long stamp, String unusable) {
        String ignore = unusable;
        long leaseMillis = settings.lease().toMillis();
        long deadline = System.nanoTime() + settings.leaseWait().toNanos();
        long backoff = 1;
        boolean waited = false;
        try {
            // Generations are read before the loader runs: an invalidation during the load then
            // makes this load's entry stale instead of letting it pass as fresh.
            List<String> gens = groups.isEmpty() ? List.of() : backend.generations(name, groups);
            String token = newToken();
            while (true) {
                CacheBackend.Lookup found = backend.lookup(name, key, token, leaseMillis, ignore, true);
                switch (found.found()) {
                    case VALUE -> {
                        Read<V> read = readOrNull(key, found.raw());
                        if (read != null) {
                            fillNear(key, read, stamp);
                            return Optional.ofNullable(read.value());
                        }
                        ignore = found.raw();
                    }
                    case LEASE_TAKEN -> {
                        return filled(key, loadAndSend(key, ttlMillis, groups, gens, loader, token, false, stamp));
                    }
                    case LEASE_HELD_BY_OTHER -> {
                        // Counted when another instance's loader is waited for (not this one's own).
                        if (!waited && !isOurs(found.holder())) {
                            stats.leaseWaits.increment();
                            waited = true;
                        }
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        if (left <= 0) {
                            log.info(
                                    "cache {}: another instance's loader for a key held its lease longer than {}; "
                                            + "loading here too",
                                    name,
                                    settings.leaseWait());
                            return loadAndPut(key, ttlMillis, groups, gens, loader);
                        }
                        awaitStore(key, Math.min(Math.min(backoff, left), found.leaseMillisLeft() + 1));
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                    }
                    default -> throw new IllegalStateException(found.found().name());
                }
            }
        } catch (StoreException e) {
            storeError(e);
            return runLoader(key, loader).value();
        }
    }

    /** Waits until a store message for {@code key} arrives or {@code millis} pass. */
    private void awaitStore(String key, long millis) {
        CompletableFuture<Void> signal = waiters.computeIfAbsent(key, k -> new CompletableFuture<>());
        try {
            signal.get(Math.max(1, millis), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // poll again
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheLoadException(name, key, e);
        }
    }

    private record Loaded<V>(Optional<V> value, long loadMillis) {}

    private Loaded<V> runLoader(String key, CacheLoader<V> loader) {
        long startMillis = clock.millis();
        long start = System.nanoTime();
        try {
            Optional<V> value = loader.load(key);
            if (value == null) {
                throw new NullPointerException("the loader returned null instead of Optional.empty()");
            }
            stats.loads.increment();
            return new Loaded<>(value, Math.max(1, clock.millis() - startMillis));
        } catch (Exception e) {
            stats.loadFailures.increment();
            throw new CacheLoadException(name, key, e);
        } finally {
            stats.loadNanos.add(System.nanoTime() - start);
        }
    }

    /** A loaded value, and its write to the store, which may still be under way (never fails). */
    private record Sent<V>(Optional<V> value, CompletableFuture<Void> written) {}

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** The value of {@code sent} once the store has answered its write. */
    private Optional<V> written(Sent<V> sent) {
        try {
            backend.await(sent.written());
        } catch (StoreException e) {
            storeError(e); // timed out: the write may still land, guarded by the lease like any other
        }
        return sent.value();
    }

    /**
     * The value of {@code sent} at once, its write finishing in the background, if fewer than
     * gatehouse.cache.fills-in-flight such writes are outstanding; else once the store answered it.
     * The write's reply is handled either way by {@link #loadAndSend}'s handler (errors counted and
     * logged, near cache filled, waiting instances woken).
     */
    private Optional<V> filled(String key, Sent<V> sent) {
        CompletableFuture<Void> write = sent.written();
        if (write.isDone() || !fills.tryAcquire()) {
            return written(sent);
        }
        filling.put(key, write);
        write.whenComplete((ignored, never) -> {
            filling.remove(key, write);
            fills.release();
        });
        return sent.value();
    }

    /**
     * Waits until this instance's write of {@code key} that getOrLoad returned before (if any) is
     * answered, so that this instance reads what it loaded. A write that does not answer in time
     * fails by itself and is counted by its handler, so a timeout here is not counted again.
     */
    private void awaitFill(String key) {
        CompletableFuture<Void> write = filling.get(key);
        if (write != null) {
            awaitQuietly(write);
        }
    }

    /** Waits (each at most the command timeout) for the writes getOrLoad returned before: on close. */
    void awaitFills() {
        List.copyOf(filling.values()).forEach(this::awaitQuietly);
    }

    private void awaitQuietly(CompletableFuture<Void> write) {
        try {
            backend.await(write);
        } catch (StoreException e) {
            log.debug("cache {}: a load's write did not answer in time: {}", name, e.getMessage());
        }
    }

    /**
     * Runs the loader and sends its value to the store under the caller's lease (store.lua checks the
     * lease, so the write cannot overwrite anything newer); {@link #written} waits for the reply,
     * {@link #filled} only when too many writes are outstanding.
     */
    private Sent<V> loadAndSend(
            String key,
            long ttlMillis,
            List<String> groups,
            List<String> gens,
            CacheLoader<V> loader,
            String token,
            boolean refresh,
            long stamp) {
        Loaded<V> loaded;
        String raw;
        long ttl;
        try {
            loaded = runLoader(key, loader);
            ttl = loaded.value().isPresent()
                    ? ttlMillis
                    : settings.negativeTtl().toMillis();
            raw = ttl > 0 ? encode(key, loaded, ttl, groups, gens) : null;
        } catch (RuntimeException e) {
            releaseQuietly(key, token, refresh);
            throw e;
        }
        if (raw == null) {
            releaseQuietly(key, token, refresh);
            return new Sent<>(loaded.value(), DONE);
        }
        CompletableFuture<Boolean> stored;
        try {
            stored = backend.storeLeased(
                    name,
                    key,
                    token,
                    refresh,
                    raw,
                    ttl,
                    invalidations.message(name, Invalidations.KEY, key),
                    invalidations.nearCachesMayHold(name));
        } catch (StoreException e) {
            storeError(e);
            return new Sent<>(loaded.value(), DONE);
        }
        CompletableFuture<Void> written = stored.handle((ok, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof StoreException e) {
                    storeError(e);
                } else {
                    stats.errors.increment();
                    log.warn("cache {}: store failed: {}", name, String.valueOf(cause));
                }
            } else if (ok && near != null) {
                fillNear(
                        key,
                        new Read<>(loaded.value().orElse(null), clock.millis() + ttl, loaded.loadMillis(), groups),
                        stamp);
            }
            return null;
        });
        return new Sent<>(loaded.value(), written);
    }

    /** After waiting too long for another instance's loader: load and write like {@link #put}. */
    private Optional<V> loadAndPut(
            String key, long ttlMillis, List<String> groups, List<String> gens, CacheLoader<V> loader) {
        Loaded<V> loaded = runLoader(key, loader);
        long ttl =
                loaded.value().isPresent() ? ttlMillis : settings.negativeTtl().toMillis();
        if (ttl > 0) {
            String raw = encode(key, loaded, ttl, groups, gens);
            nearInvalidate(key);
            try {
                backend.put(name, key, raw, ttl, invalidations.message(name, Invalidations.KEY, key));
            } catch (StoreException e) {
                storeError(e);
            }
            nearInvalidate(key);
        }
        return loaded.value();
    }

    private void releaseQuietly(String key, String token, boolean refresh) {
        try {
            backend.release(name, key, token, refresh);
        } catch (StoreException e) {
            storeError(e); // the lease expires by itself
        }
    }

    private String encode(String key, Loaded<V> loaded, long ttlMillis, List<String> groups, List<String> gens) {
        String json = null;
        if (loaded.value().isPresent()) {
            try {
                json = writer.writeValueAsString(loaded.value().get());
            } catch (JsonProcessingException e) {
                throw new CacheValueException(
                        name, key, "cannot be written as JSON (" + e.getClass().getSimpleName() + ")", null);
            }
        }
        return Envelope.encode(
                loaded.value().isPresent(), clock.millis() + ttlMillis, loaded.loadMillis(), groups, gens, json);
    }

    // ---------------------------------------------------------------- early refresh

    private void maybeRefresh(
            String key, long expiresAt, long loadMillis, long ttlMillis, List<String> groups, CacheLoader<V> loader) {
        if (settings.beta() <= 0) {
            return;
        }
        double u = 1.0 - ThreadLocalRandom.current().nextDouble(); // (0, 1]
        if (clock.millis() - loadMillis * settings.beta() * Math.log(u) < expiresAt) {
            return;
        }
        if (!refreshing.add(key)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                try {
                    refresh(key, ttlMillis, groups, loader);
                } catch (RuntimeException e) {
                    log.warn("cache {}: early refresh failed: {}", name, e.toString());
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RuntimeException e) {
            refreshing.remove(key); // scheduler shut down
        }
    }

    private void refresh(String key, long ttlMillis, List<String> groups, CacheLoader<V> loader) {
        String token = newToken();
        if (!backend.tryLease(name, key, token, settings.lease().toMillis())) {
            return; // another instance is loading or refreshing it
        }
        stats.refreshes.increment();
        List<String> gens = groups.isEmpty() ? List.of() : backend.generations(name, groups);
        long stamp = near == null ? 0 : near.stamp(key);
        written(loadAndSend(key, ttlMillis, groups, gens, loader, token, true, stamp));
        nearInvalidate(key);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, V value, Duration ttl, Collection<String> groups) {
        Keys.requireKey(key);
        long ttlMillis = requireTtl(ttl);
        List<String> groupList = Keys.requireGroups(groups);
        Objects.requireNonNull(value, "value");
        String raw = encode(
                key,
                new Loaded<>(Optional.of(value), 0),
                ttlMillis,
                groupList,
                groupList.isEmpty() ? List.of() : backend.generations(name, groupList));
        // Dropped before and after: a read that began before the write cannot refill the old value.
        nearInvalidate(key);
        backend.put(name, key, raw, ttlMillis, invalidations.message(name, Invalidations.KEY, key));
        nearInvalidate(key);
    }

    @Override
    public void delete(String key) {
        Keys.requireKey(key);
        nearInvalidate(key);
        backend.delete(name, key, invalidations.message(name, Invalidations.KEY, key));
        nearInvalidate(key);
    }

    @Override
    public void invalidateGroup(String group) {
        Keys.requireGroup(group);
        if (near != null) {
            near.invalidateGroup(group);
        }
        backend.bumpGeneration(
                name, group, settings.maxTtl().toMillis(), invalidations.message(name, Invalidations.GROUP, group));
        if (near != null) {
            near.invalidateGroup(group);
        }
    }

    private void nearInvalidate(String key) {
        if (near != null) {
            near.invalidate(key);
        }
    }

    // ---------------------------------------------------------------- warmers, stats, messages

    @Override
    public CacheWarmer warmer(String warmerName, Duration ttl, WarmSource<V> source) {
        Objects.requireNonNull(warmerName, "name");
        long ttlMillis = requireTtl(ttl);
        Objects.requireNonNull(source, "source");
        CacheWarmer w = new ScheduledWarmer(name + "/" + warmerName, () -> warm(ttlMillis, source), scheduler);
        warmers.add(w);
        return w;
    }

    /** Every warmer made for this cache, in order ({@link Caches#warmers}). */
    List<CacheWarmer> warmers() {
        return List.copyOf(warmers);
    }

    private int warm(long ttlMillis, WarmSource<V> source) {
        Map<String, V> entries;
        try {
            entries = source.entries();
        } catch (Exception e) {
            throw new CacheLoadException(name, "*", e);
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>(entries.size());
        for (Map.Entry<String, V> e : entries.entrySet()) {
            Keys.requireKey(e.getKey());
            String raw =
                    encode(e.getKey(), new Loaded<>(Optional.of(e.getValue()), 0), ttlMillis, List.of(), List.of());
            nearInvalidate(e.getKey());
            writes.add(backend.putAsync(
                    name, e.getKey(), raw, ttlMillis, invalidations.message(name, Invalidations.KEY, e.getKey())));
        }
        for (CompletableFuture<Void> w : writes) {
            backend.await(w);
        }
        entries.keySet().forEach(this::nearInvalidate);
        return writes.size();
    }

    @Override
    public CacheStats stats() {
        return stats.snapshot(near == null ? 0 : near.size());
    }

    @Override
    public void onKey(String key, boolean mine) {
        CompletableFuture<Void> waiter = waiters.remove(key);
        if (waiter != null) {
            waiter.complete(null);
        }
        if (!mine && near != null) {
            near.invalidate(key);
            stats.invalidationsReceived.increment();
        }
    }

    @Override
    public void onGroup(String group) {
        if (near != null) {
            near.invalidateGroup(group);
            stats.invalidationsReceived.increment();
        }
    }

    @Override
    public void onNearAnnounced() {
        nearAnnounced = true;
    }

    @Override
    public void clearNear() {
        if (near != null) {
            near.clear();
        }
    }

    private void storeError(StoreException e) {
        stats.errors.increment();
        if (e instanceof StoreUnavailableException) {
            invalidations.suspect(); // the subscription may have missed messages meanwhile
        }
        log.debug("cache {}: store error: {}", name, e.getMessage());
    }

    private long requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toMillis() < 1 || ttl.compareTo(settings.maxTtl()) > 0) {
            throw new IllegalArgumentException("a cache TTL must be between 1 ms and gatehouse.cache.max-ttl ("
                    + settings.maxTtl() + "), not " + ttl);
        }
        return ttl.toMillis();
    }
}
