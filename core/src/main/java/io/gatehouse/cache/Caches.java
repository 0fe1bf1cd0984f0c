package io.gatehouse.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes {@link Cache}s, all sharing one store, one invalidation channel and one scheduler (for early
 * refreshes, warmers and near-cache heartbeats). One per process and store; close it on shutdown.
 *
 * <pre>{@code
 * Caches caches = Caches.open(stores);                       // Redis for the "cache" purpose, or in memory
 * Cache<Profile> profiles = caches.cache("profile", Profile.class);
 * }</pre>
 *
 * Settings come from {@code gatehouse.cache.*} (see docs/CONFIGURATION.md) and can be changed per
 * cache with {@link #builder(String, Class)}.
 */
public final class Caches implements AutoCloseable {
    static final String PREFIX = "gatehouse.cache.";
    /**
     * Loader writes after misses that getOrLoad may leave outstanding (it returns before Redis answers
     * them), per Caches: well above what the callers of a busy instance have in flight (one each), and a
     * few MB at most of values held until Redis answers or the command timeout ends them.
     */
    static final int DEFAULT_FILLS_IN_FLIGHT = 1024;

    private final CacheBackend backend;
    private final GatehouseConfig config;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Invalidations invalidations;
    private final Map<String, ManagedCache<?>> caches = new ConcurrentHashMap<>();
    private final Fills fills;

    private Caches(CacheBackend backend, GatehouseConfig config, Clock clock, ObjectMapper mapper) {
        this.backend = backend;
        this.config = config;
        this.clock = clock;
        this.mapper = mapper;
        AtomicInteger n = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "gatehouse-cache-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        Duration heartbeat = config.durationAtLeast(PREFIX + "heartbeat", Duration.ofSeconds(1), Duration.ofMillis(10));
        this.fills = new Fills(
                (int) config.numberInRange(PREFIX + "fills-in-flight", DEFAULT_FILLS_IN_FLIGHT, 0, 1_000_000));
        this.invalidations =
                new Invalidations(UUID.randomUUID().toString().substring(0, 8), backend, heartbeat, scheduler);
        invalidations.start();
        invalidations.startHeartbeats();
        scheduler.scheduleWithFixedDelay(backend::purgeExpired, 30, 30, TimeUnit.SECONDS);
    }

    /** The store of the {@link Purpose#CACHE} purpose (Redis, or in memory), settings from {@code stores.config()}. */
    public static Caches open(Stores stores) {
        return builder().stores(stores).build();
    }

    /** Everything in this process, default settings. */
    public static Caches inMemory() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A cache with the settings of the configuration ({@code gatehouse.cache.<name>.*} included). */
    public <V> Cache<V> cache(String name, Class<V> type) {
        return builder(name, type).build();
    }

    /** A builder for a cache of {@code type}, preset from the configuration. */
    public <V> CacheBuilder<V> builder(String name, Class<V> type) {
        Objects.requireNonNull(type, "type");
        return newBuilder(name, mapper.constructType(type));
    }

    /** Same, for generic types ({@code new TypeReference<List<Role>>() {}}). */
    public <V> CacheBuilder<V> builder(String name, TypeReference<V> type) {
        Objects.requireNonNull(type, "type");
        return newBuilder(name, mapper.constructType(type));
    }

    private <V> CacheBuilder<V> newBuilder(String name, JavaType type) {
        Keys.requireName(name);
        return new CacheBuilder<>(this, name, type, defaults(name));
    }

    CacheSettings defaults(String name) {
        String own = PREFIX + name + ".";
        Duration lease = config.durationAtLeast(PREFIX + "lease", Duration.ofSeconds(10), Duration.ofMillis(100));
        Duration leaseWait = config.nonNegativeDuration(PREFIX + "lease-wait", Duration.ofSeconds(5));
        Duration maxTtl = config.durationAtLeast(PREFIX + "max-ttl", Duration.ofDays(30), Duration.ofSeconds(1));
        double beta = beta(config, PREFIX + "early-refresh-beta", 1.0);
        Duration negative = config.nonNegativeDuration(
                own + "negative-ttl", config.nonNegativeDuration(PREFIX + "negative-ttl", Duration.ZERO));
        long nearSize =
                positiveNumber(config, own + "near-max-size", positiveNumber(config, PREFIX + "near-max-size", 10_000));
        Duration nearTtl = config.durationAtLeast(
                own + "near-ttl",
                config.durationAtLeast(PREFIX + "near-ttl", Duration.ofSeconds(5), Duration.ofMillis(1)),
                Duration.ofMillis(1));
        boolean near = config.flag(own + "near", false);
        return new CacheSettings(lease, leaseWait, maxTtl, beta, negative, near ? nearSize : 0, nearTtl);
    }

    <V> Cache<V> register(String name, JavaType type, CacheSettings settings) {
        ManagedCache<V> cache = new ManagedCache<>(
                name,
                mapper.readerFor(type),
                mapper.writerFor(type),
                backend,
                invalidations,
                settings,
                clock,
                scheduler,
                fills);
        if (caches.putIfAbsent(name, cache) != null) {
            throw new IllegalStateException("a cache named '" + name + "' exists already in this Caches");
        }
        invalidations.register(name, cache);
        if (settings.nearMaxSize() > 0) {
            invalidations.registerNear(name);
        }
        return cache;
    }

    /** The cache called {@code name} made here already, whatever its value type (operators' tooling). */
    public Optional<Cache<?>> named(String name) {
        return Optional.<Cache<?>>ofNullable(caches.get(name));
    }

    /** The counters of every cache made here, by name (sorted), for health reports and metrics. */
    public Map<String, CacheStats> stats() {
        Map<String, CacheStats> out = new java.util.TreeMap<>();
        caches.forEach((name, cache) -> out.put(name, cache.stats()));
        return out;
    }

    /** The warmers made for the cache called {@code name} in this process ({@code gatehouse cache warm}). */
    public java.util.List<CacheWarmer> warmers(String name) {
        return named(name)
                .filter(c -> c instanceof ManagedCache<?>)
                .map(c -> ((ManagedCache<?>) c).warmers())
                .orElse(java.util.List.of());
    }

    /**
     * Operators' tooling: the names of the caches that have entries in the store (Redis: a SCAN over every
     * master, never KEYS; not for request paths).
     */
    public java.util.SortedSet<String> storedNames() {
        return backend.names();
    }

    /**
     * Operators' tooling: the entries and groups the cache holds in the store now, and their memory
     * estimated from {@code sample} entries (Redis: SCAN and {@code MEMORY USAGE}; not for request paths).
     */
    public CacheUsage usage(String name, int sample) {
        Keys.requireName(name);
        if (sample < 0) {
            throw new IllegalArgumentException("the sample must be 0 or more entries");
        }
        return backend.usage(name, sample);
    }

    /**
     * Operators' tooling: removes every entry of the cache from the store, and every instance's near cache
     * drops its copies. Cluster-safe: a SCAN over every master and one {@code UNLINK} per key (no multi-key
     * command); a load in progress when its lease is removed does not write its value. Entries written while
     * it runs may stay. Not for request paths: it walks the key space.
     *
     * @return the entries removed
     */
    public long clear(String name) {
        Keys.requireName(name);
        return backend.clear(name, invalidations.message(name, Invalidations.CLEAR, "-"));
    }

    /** The bound on the writes getOrLoad does not wait for (tests). */
    Fills fills() {
        return fills;
    }

    /** Whether loads of cache {@code name} publish now (near caches may hold its keys, or unsure yet; tests). */
    boolean loadsPublish(String name) {
        return invalidations.nearCachesMayHold(name);
    }

    /** Where the caches live, for logs: the Redis target or {@code in-memory}. */
    public String store() {
        return backend.describe();
    }

    /**
     * Waits for the loaders' writes still on their way (each at most the command timeout), then stops
     * warmers, refreshes and heartbeats and unsubscribes; the store stays open (it is shared).
     */
    @Override
    public void close() {
        caches.values().forEach(ManagedCache::awaitFills);
        invalidations.close();
        scheduler.shutdownNow();
    }

    // ---------------------------------------------------------------- configuration helpers

    private static long positiveNumber(GatehouseConfig config, String key, long def) {
        long n = config.number(key, def);
        if (n < 1) {
            throw new ConfigException(key, key + " = " + n + " must be at least 1 (entries).");
        }
        return n;
    }

    private static double beta(GatehouseConfig config, String key, double def) {
        String v = config.get(key).orElse(null);
        if (v == null) {
            return def;
        }
        try {
            double b = Double.parseDouble(v.trim().toLowerCase(Locale.ROOT));
            if (b >= 0 && b <= 100) {
                return b;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(
                key,
                key + " = '" + v + "' is not a number from 0 (early refresh off) to 100; "
                        + "1 is the usual value, larger refreshes earlier.");
    }

    /** Builds a {@link Caches}. */
    public static final class Builder {
        private RedisConnector redis;
        private CacheBackend backend;
        // Resolved by build(): explicit settings win over those of stores(), whatever the call order.
        private GatehouseConfig config;
        private Stores stores;
        private Clock clock = Clock.systemUTC();
        private ObjectMapper mapper;

        private Builder() {}

        /** The Redis deployment of {@link Purpose#CACHE} in {@code stores} (in memory if none) and its configuration. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** Where {@code gatehouse.cache.*} settings come from. */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clock of expiry and early-refresh decisions (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The JSON mapper (modules such as JavaTimeModule registered). Default: a plain
         * {@link ObjectMapper} that ignores unknown properties, so entries written by a newer version
         * of a class stay readable during a rolling deployment.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** Tests share one in-memory store between several factories ("instances"). */
        Builder backend(CacheBackend backend) {
            this.backend = backend;
            return this;
        }

        public Caches build() {
            GatehouseConfig config = this.config != null
                    ? this.config
                    : stores != null
                            ? stores.config()
                            : GatehouseConfig.builder().build();
            RedisConnector redis = this.redis != null || stores == null
                    ? this.redis
                    : StoresRedis.of(stores, Purpose.CACHE).orElse(null);
            CacheBackend b = backend != null
                    ? backend
                    : redis != null ? new RedisCacheBackend(redis) : new InMemoryCacheBackend(clock);
            ObjectMapper m = mapper != null
                    ? mapper
                    : new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            return new Caches(b, config, clock, m);
        }
    }
}
