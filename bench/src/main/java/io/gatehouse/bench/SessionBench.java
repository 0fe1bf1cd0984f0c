package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.session.SessionStore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

/**
 * Session create and get, Gatehouse against Spring Session Data Redis's {@code RedisIndexedSessionRepository}
 * (wired as {@code @EnableRedisIndexedHttpSession} does: {@link SpringSessionPeer}), on the same private
 * redis-server in the same run. Both store the same login: user (Spring: the principal index attribute),
 * IPv4, a browser user agent, a device fingerprint. Before measuring, the setup prints both sides'
 * bytes per session ({@code used_memory} growth over {@value #MEMORY_SAMPLE} sessions, one per user).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar SessionBench} (1 thread), add {@code -t 16} for 16.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class SessionBench {
    static final int MEMORY_SAMPLE = 50_000;
    static final int USERS = 1_000_000;
    static final int READ_POOL = 10_000;

    BenchRedis redis;
    Stores stores;
    SessionStore gatehouse;
    SpringSessionPeer spring;
    String[] gatehouseIds = new String[READ_POOL];
    String[] springIds = new String[READ_POOL];

    @Setup(Level.Trial)
    public void setUp() {
        redis = BenchRedis.start();
        stores = redis.stores();
        gatehouse = SessionWorkload.gatehouse(stores);
        spring = new SpringSessionPeer(redis.url());

        long before = redis.usedMemory();
        for (int i = 0; i < MEMORY_SAMPLE; i++) {
            gatehouse.create(SessionWorkload.login(SessionWorkload.user(i)));
        }
        double ours = (redis.usedMemory() - before) / (double) MEMORY_SAMPLE;
        redis.flushAll();
        before = redis.usedMemory();
        for (int i = 0; i < MEMORY_SAMPLE; i++) {
            spring.create(
                    SessionWorkload.user(i),
                    SessionWorkload.ip(),
                    SessionWorkload.userAgent(),
                    SessionWorkload.fingerprint());
        }
        double theirs = (redis.usedMemory() - before) / (double) MEMORY_SAMPLE;
        redis.flushAll();
        System.out.printf(
                "%nbytes per session (%d sessions, one per user): gatehouse %.1f, spring-session %.1f, ratio %.2fx%n",
                MEMORY_SAMPLE, ours, theirs, theirs / ours);

        for (int i = 0; i < READ_POOL; i++) {
            gatehouseIds[i] = gatehouse
                    .create(SessionWorkload.login(SessionWorkload.user(i)))
                    .id();
            springIds[i] = spring.create(
                    SessionWorkload.user(i),
                    SessionWorkload.ip(),
                    SessionWorkload.userAgent(),
                    SessionWorkload.fingerprint());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        spring.close();
        stores.close();
        redis.close();
    }

    private static String randomUser() {
        return SessionWorkload.user(ThreadLocalRandom.current().nextInt(USERS));
    }

    @Benchmark
    public Object gatehouseCreate() {
        return gatehouse.create(SessionWorkload.login(randomUser()));
    }

    @Benchmark
    public Object springSessionCreate() {
        return spring.create(
                randomUser(), SessionWorkload.ip(), SessionWorkload.userAgent(), SessionWorkload.fingerprint());
    }

    @Benchmark
    public Object gatehouseGet() {
        return gatehouse
                .get(gatehouseIds[ThreadLocalRandom.current().nextInt(READ_POOL)])
                .orElseThrow();
    }

    @Benchmark
    public Object springSessionGet() {
        Object s = spring.get(springIds[ThreadLocalRandom.current().nextInt(READ_POOL)]);
        if (s == null) {
            throw new IllegalStateException("spring session lost a session");
        }
        return s;
    }
}
