package io.gatehouse.bench;

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
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Gatehouse's cache against Spring Data Redis's {@code RedisCache}, on one private redis-server, in
 * one run.
 *
 * <p>The baseline is configured as its users get it: {@code RedisCacheManager.create(factory)} over a
 * {@code LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port))} with every default
 * (shared native connection, non-locking cache writer, JDK serialisation of values, {@code name::key}
 * keys, no TTL). Ours: {@code Caches.builder().redis(connector).build()} with default settings (early
 * refresh on); the near-cache variant adds {@code nearCache(10_000, 5s)}.
 *
 * <ul>
 *   <li>{@code nearHit}: latency of a near-cache hit (SampleTime; the target is p99 at most 1 µs);</li>
 *   <li>{@code redisHit*}: throughput of hits served by Redis, 1 and 16 threads;</li>
 *   <li>{@code getOrLoadMissing*}: throughput of get-or-load on keys never seen before, 64 threads,
 *       the loader standing for a 1 ms database query. Spring serialises these misses under one lock
 *       per cache ({@code RedisCache.get(key, Callable)}); ours loads each key once, in parallel.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CacheBench {
    /** A user profile as the server caches it; Serializable for the baseline's JDK serialisation. */
    public record Profile(String id, String name, String email, int version, List<String> roles) implements Serializable {
    }

    static final int HOT_KEYS = 1024;
    static final long LOAD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    BenchRedis redis;
    RedisConnector connector;
    Caches caches;
    Cache<Profile> ours;
    Cache<Profile> oursNear;
    LettuceConnectionFactory factory;
    org.springframework.cache.Cache theirs;
    final AtomicLong missing = new AtomicLong();
    final String[] hot = new String[HOT_KEYS];

    @Setup(Level.Trial)
    public void start() {
        redis = BenchRedis.start();
        connector = redis.connect();
        caches = Caches.builder().redis(connector).build();
        ours = caches.cache("bench", Profile.class);
        oursNear = caches.builder("near", Profile.class).nearCache(10_000, Duration.ofSeconds(5)).build();
        URI uri = URI.create(redis.url());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        theirs = RedisCacheManager.create(factory).getCache("bench");
        for (int i = 0; i < HOT_KEYS; i++) {
            hot[i] = "u" + i;
        }
        // Once per trial (each benchmark method gets its own redis-server): an iteration-level setup
        // would run while JMH's other 63 threads spin, starving the client's I/O thread.
        for (String k : hot) {
            Profile p = profile(k);
            ours.put(k, p, Duration.ofHours(1));
            oursNear.put(k, p, Duration.ofHours(1));
            theirs.put(k, p);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        caches.close();
        factory.destroy();
        connector.close();
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
    @Threads(1)
    public Optional<Profile> redisHit1_ours(Cursor c) {
        return ours.get(c.next(this));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public Object redisHit1_spring(Cursor c) {
        return theirs.get(c.next(this)).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(16)
    public Optional<Profile> redisHit16_ours(Cursor c) {
        return ours.get(c.next(this));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(16)
    public Object redisHit16_spring(Cursor c) {
        return theirs.get(c.next(this)).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Optional<Profile> getOrLoadMissing64_ours() {
        String key = "m" + missing.incrementAndGet();
        return ours.getOrLoad(key, Duration.ofMinutes(1), id -> Optional.of(loadFromDatabase(id)));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadMissing64_spring() {
        String key = "m" + missing.incrementAndGet();
        return theirs.get(key, () -> loadFromDatabase(key));
    }

    /**
     * The stampede: every 64 consecutive calls ask for the same key that nobody has loaded yet (a hot
     * key that just expired, seen by all threads at once). Counts loader runs per key.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Optional<Profile> getOrLoadSameKey64_ours() {
        String key = "s" + (missing.incrementAndGet() >> 6);
        return ours.getOrLoad(key, Duration.ofMinutes(1), id -> Optional.of(loadFromDatabase(id)));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Profile getOrLoadSameKey64_spring() {
        String key = "s" + (missing.incrementAndGet() >> 6);
        return theirs.get(key, () -> loadFromDatabase(key));
    }

    final AtomicLong loaderRuns = new AtomicLong();

    @TearDown(Level.Trial)
    public void report() {
        long calls = missing.get();
        if (calls > 0) {
            System.out.printf("%n[CacheBench] get-or-load calls=%d loader runs=%d (%.2f runs per call)%n",
                    calls, loaderRuns.get(), (double) loaderRuns.get() / calls);
        }
    }

    /** Stands for a 1 ms database query: the thread waits, the CPU is free. */
    Profile loadFromDatabase(String id) {
        loaderRuns.incrementAndGet();
        LockSupport.parkNanos(LOAD_NANOS);
        return profile(id);
    }
}
