package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.ratelimit.Check;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.Limit;
import io.gatehouse.ratelimit.MultiDecision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.redis.RedisConnector;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * Rate-limit decisions on one hot key from 16 threads: Gatehouse's GCRA (one EVALSHA per decision)
 * against Bucket4j's Lettuce integration (compare-and-swap: GET, then a CAS script, retried while other
 * threads win), both with a capacity of 1,000,000 refilling 1,000,000 per second so that every request is
 * allowed and only the mechanics are measured. Plus the local deny path (a refused key answered
 * in-process) and the multi-limit paths. Each trial starts its own redis-server (same binary and
 * settings for every trial) and, at the end, prints the Redis commands it issued per decision
 * ({@code INFO commandstats}), which shows the retries.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RateLimitBench} (add {@code -prof gc} for
 * allocation per operation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(16)
public class RateLimitBench {
    private static final long CAPACITY = 1_000_000;

    private BenchRedis redis;
    private Stores stores;
    private RedisConnector connector;
    private RateLimiter ours;
    private RatePolicy hot;
    private RatePolicy perDay;
    private RatePolicy denied;
    private RedisClient bucket4jClient;
    private BucketProxy bucket;
    private final LongAdder decisions = new LongAdder();
    private long scriptsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        redis = BenchRedis.start();
        stores = redis.stores();
        connector = BenchRedis.connector(stores);
        ours = RateLimiter.builder().stores(stores).build();
        hot = RatePolicy.of("api-user", Limit.of(CAPACITY, Duration.ofSeconds(1)));
        perDay = RatePolicy.of("api-day", Limit.of(CAPACITY * 1000, Duration.ofDays(1)));
        denied = RatePolicy.of("login-ip", Limit.of(1, Duration.ofHours(1)));
        ours.decide(denied, "203.0.113.7");
        Decision refused = ours.decide(denied, "203.0.113.7");
        if (refused.allowed() || ours.decide(denied, "203.0.113.7").source() != DecisionSource.LOCAL_DENY) {
            throw new IllegalStateException("the deny path is not set up");
        }

        // Bucket4j as its reference documentation wires Lettuce: a CAS-based proxy manager from a
        // RedisClient, default retry strategy, expiration based on the refill time.
        bucket4jClient = RedisClient.create(redis.url());
        LettuceBasedProxyManager<byte[]> proxyManager = Bucket4jLettuce.casBasedBuilder(bucket4jClient)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(CAPACITY).refillGreedy(CAPACITY, Duration.ofSeconds(1)))
                .build();
        bucket = proxyManager
                .builder()
                .build("bench:bucket4j:hot".getBytes(StandardCharsets.UTF_8), () -> configuration);
        bucket.tryConsume(1);
        scriptsBefore = scriptCalls();
    }

    @Benchmark
    public boolean gatehouseGcra() {
        decisions.increment();
        return ours.decide(hot, "hot").allowed();
    }

    @Benchmark
    public boolean bucket4jLettuce() {
        decisions.increment();
        return bucket.tryConsume(1);
    }

    @Benchmark
    public Decision gatehouseLocalDeny() {
        decisions.increment();
        return ours.decide(denied, "203.0.113.7");
    }

    /** Two limits of one subject: one script, atomic. */
    @Benchmark
    public MultiDecision gatehouseTwoLimitsOneSlot() {
        decisions.increment();
        return ours.decideAll(List.of(Check.of(hot, "hot"), Check.of(perDay, "hot")));
    }

    /** Two limits of two subjects: one pipelined round trip of two scripts. */
    @Benchmark
    public MultiDecision gatehouseTwoLimitsTwoSlots() {
        decisions.increment();
        return ours.decideAll(List.of(Check.of(hot, "hot"), Check.of(perDay, "other")));
    }

    /**
     * Prints script executions per decision. Both sides send exactly one script per attempt (ours: the
     * GCRA EVALSHA; Bucket4j: its compare-and-swap EVAL after a GET), so this is attempts per decision:
     * 1.000 means no retries (the two-slot decision sends 2 scripts by design, one per slot). Plain
     * command counts would include the commands run inside scripts.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        long scripts = scriptCalls() - scriptsBefore;
        long n = decisions.sum();
        System.out.printf(
                "%nscript executions per decision: %.3f (%d EVAL/EVALSHA for %d decisions)%n",
                n == 0 ? 0.0 : (double) scripts / n, scripts, n);
        System.out.println(connector
                .sync(c -> c.info("commandstats"))
                .lines()
                .filter(l -> l.startsWith("cmdstat_") && !l.startsWith("cmdstat_info"))
                .map(l -> l.substring(8, l.indexOf(",usec=")))
                .toList());
        bucket4jClient.shutdown();
        stores.close();
        redis.close();
    }

    /** Calls of EVAL and EVALSHA, from {@code INFO commandstats}. */
    private long scriptCalls() {
        long total = 0;
        for (String line : connector.sync(c -> c.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha:")) {
                int at = line.indexOf("calls=");
                total += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
            }
        }
        return total;
    }
}
