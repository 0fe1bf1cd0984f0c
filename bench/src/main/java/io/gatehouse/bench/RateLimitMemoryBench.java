package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.ratelimit.Limit;
import io.gatehouse.ratelimit.LockoutPolicy;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Redis memory per rate-limit key and per login-failure counter: {@code used_memory} before and after
 * N subjects are created through the public API, divided by N.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.gatehouse.bench.RateLimitMemoryBench [N]}
 */
public final class RateLimitMemoryBench {
    private RateLimitMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RateLimiter limiter = RateLimiter.builder().stores(stores).build();
            // A slow rate, so that no key drains (and expires) before it is measured.
            RatePolicy policy = RatePolicy.of("api-user", Limit.of(10, Duration.ofHours(1)));
            long before = redis.usedMemory();
            run(n, i -> limiter.decide(policy, "user-" + i));
            long after = redis.usedMemory();
            System.out.printf(
                    "GCRA keys: %d subjects (key gatehouse:rl:{user-NNNNNN}:api-user), %.1f bytes per key%n",
                    n, (after - before) / (double) n);

            redis.flushAll();
            LoginGuard guard = LoginGuard.builder()
                    .stores(stores)
                    .policy(new LockoutPolicy(
                            0, 5, 0, Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofMinutes(15), 0, false))
                    .build();
            before = redis.usedMemory();
            run(n, i -> guard.failure("10.0." + (i / 250 % 250) + "." + (i % 250), "user-" + i + "@example.com"));
            after = redis.usedMemory();
            System.out.printf(
                    "Lockout counters: %d IP+account pairs (hash gatehouse:lock:{user-N@example.com}:ip:10.0.x.y), "
                            + "%.1f bytes per counter%n",
                    n, (after - before) / (double) n);
        }
    }

    private static void run(int n, IntConsumer op) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int t = 0; t < 16; t++) {
            int start = t;
            pool.submit(() -> {
                for (int i = start; i < n; i += 16) {
                    op.accept(i);
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("took too long");
        }
    }
}
