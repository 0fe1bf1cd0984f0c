package io.gatehouse.bench;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Refresh rotations per second through the library ({@link TokenService#refresh}: verify the refresh
 * token, check revocation, sign a new refresh and a new access token, run the check-and-rotate script)
 * against a local Redis. Each thread refreshes its own chain. One warm-up run, then three measured
 * runs; printed for each refresh-token signing mode.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RefreshRotationThroughput [threads] [seconds]</pre>
 */
public final class RefreshRotationThroughput {
    private RefreshRotationThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        for (String signing : List.of("hmac", "asymmetric")) {
            try (BenchRedis redis = BenchRedis.start(); RedisConnector connector = BenchTokens.connect(redis)) {
                GatehouseConfig config = redis.config().toBuilder().set("gatehouse.tokens.refresh.signing", signing).build();
                try (TokenService tokens = TokenService.builder().config(config).redis(connector).build()) {
                    System.out.printf("refresh.signing=%s (access tokens ES256), %d threads, %d s per run%n", signing, threads, seconds);
                    run(tokens, threads, Math.max(3, seconds / 2), "warm-up");
                    for (int r = 1; r <= 3; r++) {
                        run(tokens, threads, seconds, "run " + r);
                    }
                }
            }
        }
    }

    private static void run(TokenService tokens, int threads, int seconds, String label) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        Recorder latency = new Recorder(3);
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                String refresh = tokens.issue(TokenRequest.of("user-" + id, "sess-" + id + "-" + label.hashCode())
                        .roles("user")).refreshToken();
                started.countDown();
                while (!stop.get()) {
                    long s = System.nanoTime();
                    TokenPair next = tokens.refresh(refresh);
                    latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s));
                    refresh = next.refreshToken();
                    done.increment();
                }
            });
            w.start();
            workers.add(w);
        }
        started.await();
        done.reset();
        latency.getIntervalHistogram();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        long n = done.sum();
        long elapsed = System.nanoTime() - t0;
        var h = latency.getIntervalHistogram();
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        System.out.printf("  %-8s %,8.0f refreshes/s   latency us: p50 %d p99 %d p99.9 %d max %d%n", label,
                n / (elapsed / 1e9), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
