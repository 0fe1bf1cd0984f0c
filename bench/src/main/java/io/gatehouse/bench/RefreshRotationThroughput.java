package io.gatehouse.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
 * <p>Each run is followed by a same-run calibration: bare Nimbus ES256 signatures of a comparable JWT on
 * the same number of threads. Every refresh must sign one ES256 access token, so that rate is the
 * ceiling of this machine at this moment; on a shared machine the ratio is the figure that travels.
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
                    run(tokens, threads, Math.max(15, seconds), "warm-up");
                    signingCeiling(threads, 5);
                    for (int r = 1; r <= 3; r++) {
                        double refreshes = run(tokens, threads, seconds, "run " + r);
                        double signs = signingCeiling(threads, seconds);
                        System.out.printf("           ratio refreshes / bare ES256 signatures: %.2f%n", refreshes / signs);
                    }
                }
            }
        }
    }

    /** Bare ES256 JWT signatures per second on {@code threads} threads (the cost every refresh includes once). */
    private static double signingCeiling(int threads, int seconds) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("calibration").generate();
        JWSSigner signer = new ECDSASigner(key);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("http://localhost:8080").subject("user-1")
                .audience("gatehouse").jwtID("0123456789abcdefghijkl").claim("sid", "sess-1").claim("fam", "fam-1")
                .claim("token_use", "access").claim("roles", List.of("user")).claim("permissions", List.of())
                .issueTime(new java.util.Date()).expirationTime(new java.util.Date()).build();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("calibration").build(), claims);
                        jwt.sign(signer);
                        jwt.serialize();
                        done.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            workers.add(w);
        }
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        double rate = done.sum() / ((System.nanoTime() - t0) / 1e9);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        System.out.printf("  %-8s %,8.0f bare ES256 signatures/s (same threads, same moment)%n", "ceiling", rate);
        return rate;
    }

    private static double run(TokenService tokens, int threads, int seconds, String label) throws InterruptedException {
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
        double rate = n / (elapsed / 1e9);
        System.out.printf("  %-8s %,8.0f refreshes/s   latency us: p50 %d p99 %d p99.9 %d max %d%n", label,
                rate, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
        return rate;
    }
}
