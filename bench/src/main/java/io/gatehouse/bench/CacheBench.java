package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import io.gatehouse.redis.RedisConnector;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Gatehouse's cache against Spring Data Redis's {@code RedisCache} (3.5.x), on one private
 * redis-server per trial, in one run.
 *
 * <p>Baseline: {@code LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port))} (shared
 * native connection, as by default), {@code RedisCacheManager.builder(writer).cacheDefaults(config)}
 * with values as JSON ({@code Jackson2JsonRedisSerializer<Profile>}, so both sides store and parse
 * JSON) and the same 10-minute TTL as ours. Two cache writers: the <b>non-locking</b> one, which is
 * Spring's default ({@code RedisCacheManager.create}/{@code builder(factory)}), and the <b>locking</b>
 * one ({@code RedisCacheWriter.lockingRedisCacheWriter}), the only configuration in 3.5 in which
 * {@code RedisCache.get(key, Callable)} serialises misses: one lock key per cache in Redis, taken
 * around GET + load + PUT, waiters polling it every 50 ms. (The in-JVM lock of older versions,
 * {@code RedisCache.getSynchronized}, is gone in 3.5: {@code get(key, Callable)} delegates to the
 * writer.) Ours: {@code Caches.builder().stores(stores).build()}, default settings (early refresh
 * on, no near cache); the near-cache case adds {@code nearCache(10_000, 5s)}.
 *
 * <ul>
 *   <li>{@code nearHit}: latency of a near-cache hit (SampleTime; target p99 at most 1 µs);</li>
 *   <li>{@code redisHit*}: throughput of hits served by Redis, 1 and 16 threads (10 iterations:
 *       the two sides are close, the error bars must be small enough to tell);</li>
 *   <li>{@code getOrLoadMissing64*}: get-or-load of keys never seen before, 64 threads, with a
 *       loader standing for a 1 ms database query ({@code LockSupport.parkNanos}: the thread waits,
 *       the CPU is free), and with a free loader ({@code *_freeLoader}) for transparency;</li>
 *   <li>{@code getOrLoadSameKey64*}: the stampede, 64 calls per never-loaded key, counting loader runs.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CacheBench {
    /** A user profile as the server caches it. */
    public record Profile(String id, String name, String email, int version, List<String> roles)
            implements Serializable {}

    static final int HOT_KEYS = 1024;
    static final long LOAD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final Duration TTL = Duration.ofMinutes(10);

    BenchRedis redis;
    Stores stores;
    RedisConnector connector;
    Caches caches;
    Cache<Profile> ours;
    Cache<Profile> oursNear;
    LettuceConnectionFactory factory;
    org.springframework.cache.Cache theirs;
    org.springframework.cache.Cache theirsLocking;
    final AtomicLong missing = new AtomicLong();
    final AtomicLong loaderRuns = new AtomicLong();
    final String[] hot = new String[HOT_KEYS];

    @Setup(Level.Trial)
    public void start() {
        redis = BenchRedis.start();
        stores = redis.stores();
        connector = BenchRedis.connector(stores);
        caches = Caches.builder().stores(stores).build();
        ours = caches.cache("bench", Profile.class);
        oursNear = caches.builder("near", Profile.class)
                .nearCache(10_000, Duration.ofSeconds(5))
                .build();
        URI uri = URI.create(redis.url());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        RedisCacheConfiguration json = RedisCacheConfiguration.defaultCacheConfig()
                .entryTtl(TTL)
                .serializeValuesWith(
                        SerializationPair.fromSerializer(new Jackson2JsonRedisSerializer<>(Profile.class)));
        theirs = RedisCacheManager.builder(RedisCacheWriter.nonLockingRedisCacheWriter(factory))
                .cacheDefaults(json)
                .build()
                .getCache("bench");
        theirsLocking = RedisCacheManager.builder(RedisCacheWriter.lockingRedisCacheWriter(factory))
                .cacheDefaults(json)
                .build()
                .getCache("locked");
        for (int i = 0; i < HOT_KEYS; i++) {
            hot[i] = "u" + i;
        }
        // Once per trial (each benchmark method gets its own redis-server): an iteration-level setup
        // would run while JMH's other threads spin, starving the client's I/O thread.
        for (String k : hot) {
            Profile p = profile(k);
            ours.put(k, p, TTL);
            oursNear.put(k, p, TTL);
            theirs.put(k, p);
        }
        String ourKey = connector.keys().key("cache:bench", hot[0]);
        Long ourBytes = connector.sync(c -> c.strlen(ourKey));
        Long theirBytes = connector.sync(c -> c.strlen("bench::" + hot[0]));
        System.out.printf(
                "%n[CacheBench] stored value of %s: ours %d bytes, Spring %d bytes%n", hot[0], ourBytes, theirBytes);
    }

    long iterationStartNanos;
    long iterationStartCalls;

    /**
     * Calls completed per second of wall-clock time over the whole iteration, overrun included: a
     * cross-check of JMH's score, which sums each thread's own rate and so overstates benchmarks
     * whose calls block for long and unevenly (the locking writer's waiters sleep 50 ms at a time).
     */
    @Setup(Level.Iteration)
    public void iterationStart() {
        iterationStartCalls = missing.get();
        iterationStartNanos = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void iterationEnd() {
        long calls = missing.get() - iterationStartCalls;
        if (calls > 0) {
            double seconds = (System.nanoTime() - iterationStartNanos) / 1e9;
            System.out.printf("[wall: %d calls in %.2f s = %.0f calls/s] ", calls, seconds, calls / seconds);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        long calls = missing.get();
        if (calls > 0) {
            System.out.printf(
                    "%n[CacheBench] get-or-load calls=%d loader runs=%d (%.3f runs per call)%n",
                    calls, loaderRuns.get(), (double) loaderRuns.get() / calls);
        }
        // What Redis executed for the whole trial (setup included): round trips and messages per call.
        StringBuilder stats = new StringBuilder();
        for (String line : connector.sync(c -> c.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_")
                    && !line.startsWith("cmdstat_info")
                    && !line.startsWith("cmdstat_hello")
                    && !line.startsWith("cmdstat_client")) {
                stats.append(' ')
                        .append(line, "cmdstat_".length(), line.indexOf(",usec="))
                        .append(';');
            }
        }
        System.out.printf("[CacheBench] redis:%s ours: %s%n", stats, ours.stats());
        caches.close();
        factory.destroy();
        stores.close();
        redis.close();
    }

    static Profile profile(String id) {
        return new Profile(id, "User " + id, id + "@example.org", 7, List.of("user", "reader"));
    }

    /** Each thread walks the hot keys from its own start. */
    @State(Scope.Thread)
    public static class Cursor {
        int i = (int) (Math.random() * HOT_KEYS);

        String next(CacheBench b) {
            i = (i + 1) & (HOT_KEYS - 1);
            return b.hot[i];
        }
    }

    // ------------------------------------------------------------------ hits

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Threads(1)
    public Optional<Profile> nearHit(Cursor c) {
        return oursNear.get(c.next(this));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Measurement(iterations = 10, time = 3)
    @Threads(1)
    public Optional<Profile> redisHit1_ours(Cursor c) {
        return ours.get(c.next(this));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Measurement(iterations = 10, time = 3)
    @Threads(1)
    public Object redisHit1_spring(Cursor c) {
        return theirs.get(c.next(this)).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Measurement(iterations = 10, time = 3)
    @Threads(16)
    public Optional<Profile> redisHit16_ours(Cursor c) {
        return ours.get(c.next(this));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Measurement(iterations = 10, time = 3)
    @Threads(16)
    public Object redisHit16_spring(Cursor c) {
        return theirs.get(c.next(this)).get();
    }

    // ------------------------------------------------------------------ misses, distinct keys

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Optional<Profile> getOrLoadMissing64_ours() {
        String key = "m" + missing.incrementAndGet();
        return ours.getOrLoad(key, TTL, id -> Optional.of(loadFromDatabase(id)));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadMissing64_spring() {
        String key = "m" + missing.incrementAndGet();
        return theirs.get(key, () -> loadFromDatabase(key));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadMissing64_springLocking() {
        String key = "m" + missing.incrementAndGet();
        return theirsLocking.get(key, () -> loadFromDatabase(key));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Optional<Profile> getOrLoadMissing64_ours_freeLoader() {
        String key = "m" + missing.incrementAndGet();
        return ours.getOrLoad(key, TTL, id -> Optional.of(loadForFree(id)));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadMissing64_spring_freeLoader() {
        String key = "m" + missing.incrementAndGet();
        return theirs.get(key, () -> loadForFree(key));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadMissing64_springLocking_freeLoader() {
        String key = "m" + missing.incrementAndGet();
        return theirsLocking.get(key, () -> loadForFree(key));
    }

    // ------------------------------------------------------------------ the stampede

    /**
     * Every 64 consecutive calls ask for the same key that nobody has loaded yet (a hot key that just
     * expired, seen by all threads at once). Counts loader runs per call.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Optional<Profile> getOrLoadSameKey64_ours() {
        String key = "s" + (missing.incrementAndGet() >> 6);
        return ours.getOrLoad(key, TTL, id -> Optional.of(loadFromDatabase(id)));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadSameKey64_spring() {
        String key = "s" + (missing.incrementAndGet() >> 6);
        return theirs.get(key, () -> loadFromDatabase(key));
    }

    /** Stands for a 1 ms database query: the thread waits, the CPU is free. */
    Profile loadFromDatabase(String id) {
        loaderRuns.incrementAndGet();
        LockSupport.parkNanos(LOAD_NANOS);
        return profile(id);
    }

    /** A loader that costs nothing but building the value (shows each side's own overhead). */
    Profile loadForFree(String id) {
        loaderRuns.incrementAndGet();
        return profile(id);
    }
}
