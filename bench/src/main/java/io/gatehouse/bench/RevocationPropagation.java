package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.token.RevocationStatus;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.TokenUse;
import io.gatehouse.token.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Propagation of a revocation from process A to process B: the time from A calling
 * {@code revokeSession} to B's local check answering REVOKED_SESSION, for 1,000 revocations one after
 * another. A and B each have their own stores (own connections, own reader thread, own local state)
 * on one local Redis.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RevocationPropagation [count]</pre>
 */
public final class RevocationPropagation {
    private RevocationPropagation() {}

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmup = 200;
        try (BenchRedis redis = BenchRedis.start();
                Stores ca = BenchTokens.stores(redis);
                Stores cb = BenchTokens.stores(redis)) {
            GatehouseConfig config = redis.config();
            try (TokenService a =
                            TokenService.builder().config(config).stores(ca).build();
                    TokenService b =
                            TokenService.builder().config(config).stores(cb).build()) {
                Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
                Instant until = Instant.now().plus(Duration.ofDays(1));
                for (int i = 0; i < warmup + count; i++) {
                    String sid = "sess-" + i;
                    VerifiedToken t = new VerifiedToken(
                            TokenUse.ACCESS,
                            "k",
                            "jti-" + i,
                            "user-" + i,
                            sid,
                            "fam-" + i,
                            Instant.now(),
                            Instant.now().plusSeconds(900),
                            List.of(),
                            List.of());
                    if (b.check(t) != RevocationStatus.VALID) {
                        throw new IllegalStateException("not valid before revocation");
                    }
                    long start = System.nanoTime();
                    a.revokeSession(sid, "bench", until);
                    while (b.check(t) != RevocationStatus.REVOKED_SESSION) {
                        Thread.onSpinWait();
                        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
                            throw new IllegalStateException("revocation " + i + " did not reach B within 10 s");
                        }
                    }
                    if (i >= warmup) {
                        h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                    }
                }
                System.out.printf(
                        "Propagation A -> B over %d revocations (after %d warm-up), microseconds:%n", count, warmup);
                System.out.printf(
                        "  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d  mean %.1f%n",
                        h.getValueAtPercentile(50),
                        h.getValueAtPercentile(90),
                        h.getValueAtPercentile(99),
                        h.getValueAtPercentile(99.9),
                        h.getMaxValue(),
                        h.getMean());
                System.out.println("Distribution (value in ms):");
                h.outputPercentileDistribution(System.out, 5, 1000.0);
            }
        }
    }
}
