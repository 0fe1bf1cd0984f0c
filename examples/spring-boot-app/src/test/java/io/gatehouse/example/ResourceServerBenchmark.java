package io.gatehouse.example;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.Gatehouse;
import io.gatehouse.token.TokenRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Throughput of the protected endpoint {@code GET /api/me} with the starter's revocation-checking decoder
 * against the same application with Spring's plain {@code NimbusJwtDecoder} (same keys, no revocation check).
 * Both applications run side by side on Gatehouse in memory; rounds alternate A/B/A/B so both see the same
 * machine. Four cases: over HTTP and the decoders alone, each with one token repeated (Gatehouse's verify
 * cache answers repeats without a signature check) and with 20,000 distinct tokens (every call checks a
 * signature on both sides). Every figure is completed calls per second of wall-clock time (no per-thread
 * rates summed: a thread blocked in a call would make those overstate). Run by hand (see
 * docs/BENCHMARKS.md), not by the suite:
 * {@code java -cp <test classpath> io.gatehouse.example.ResourceServerBenchmark [seconds-per-round] [rounds] [threads]}.
 */
public final class ResourceServerBenchmark {
    private ResourceServerBenchmark() {}

    /** Replaces the starter's decoder: plain Nimbus over the application's own public keys. */
    static class PlainNimbus {
        @Bean
        JwtDecoder plainNimbusDecoder(Gatehouse gatehouse) throws Exception {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(
                    new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"), JOSEObjectType.JWT, null));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.EdDSA),
                    new ImmutableJWKSet<>(JWKSet.parse(gatehouse.tokens().jwks()))));
            return new NimbusJwtDecoder(processor);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path dir = Files.createTempDirectory("gatehouse-bench");
        // Both applications read one key file, so they verify the same tokens with the same keys.
        String[] common = {
            "server.port=0",
            "spring.main.banner-mode=off",
            "logging.level.root=WARN",
            "gatehouse.tokens.keys.store=file",
            "gatehouse.tokens.keys.file=" + dir.resolve("token-keys.json")
        };
        try (ConfigurableApplicationContext checked = new SpringApplicationBuilder(ExampleApplication.class)
                        .properties(common)
                        .properties("gatehouse.data-dir=" + dir.resolve("checked"))
                        .run();
                ConfigurableApplicationContext plain = new SpringApplicationBuilder(
                                ExampleApplication.class, PlainNimbus.class)
                        .properties(common)
                        .properties("gatehouse.data-dir=" + dir.resolve("plain"))
                        .run()) {
            if (!(plain.getBean(JwtDecoder.class) instanceof NimbusJwtDecoder)) {
                throw new IllegalStateException("the plain application did not take the plain decoder");
            }
            Gatehouse gatehouse = checked.getBean(Gatehouse.class);
            List<String> one = List.of(gatehouse
                    .tokens()
                    .issue(TokenRequest.of("bench-user", "bench-session").roles("user"))
                    .accessToken());
            // More distinct tokens than Gatehouse's verify cache holds: every call checks a signature, as
            // Nimbus always does (the worst case for the checked decoder).
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                many.add(gatehouse
                        .tokens()
                        .issue(TokenRequest.of("u" + i, "s" + i).roles("user"))
                        .accessToken());
            }
            String a = "http://127.0.0.1:" + checked.getEnvironment().getProperty("local.server.port") + "/api/me";
            String b = "http://127.0.0.1:" + plain.getEnvironment().getProperty("local.server.port") + "/api/me";
            JwtDecoder dc = checked.getBean(JwtDecoder.class);
            JwtDecoder dp = plain.getBean(JwtDecoder.class);
            System.out.printf(
                    "%d threads, %d rounds of %d s per side and case, A/B order alternating; completed calls per"
                            + " second of wall-clock time; load average %.2f%n",
                    threads, rounds, seconds, loadAverage());
            compare(
                    "HTTP GET /api/me, one token",
                    rounds,
                    seconds,
                    t -> http(a, one, t, threads),
                    t -> http(b, one, t, threads));
            compare(
                    "HTTP GET /api/me, 20,000 distinct tokens",
                    rounds,
                    seconds,
                    t -> http(a, many, t, threads),
                    t -> http(b, many, t, threads));
            compare(
                    "decoder alone, one token",
                    rounds,
                    seconds,
                    t -> decodes(dc, one, t, threads),
                    t -> decodes(dp, one, t, threads));
            compare(
                    "decoder alone, 20,000 distinct tokens",
                    rounds,
                    seconds,
                    t -> decodes(dc, many, t, threads),
                    t -> decodes(dp, many, t, threads));
        }
    }

    /** One measurement of a side: calls per wall-clock second over {@code seconds}. */
    interface Measure {
        double run(int seconds) throws Exception;
    }

    /**
     * Warms both sides up, then {@code rounds} pairs in alternating order (checked first in odd rounds,
     * plain first in even ones, so a drift of the machine's load favours neither); prints every pair, the
     * medians, and the median and range of the per-round ratios checked / plain.
     */
    static void compare(String what, int rounds, int seconds, Measure a, Measure b) throws Exception {
        a.run(2); // warm-up
        b.run(2);
        List<Double> ra = new ArrayList<>();
        List<Double> rb = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            double x;
            double y;
            if (r % 2 == 0) {
                x = a.run(seconds);
                y = b.run(seconds);
            } else {
                y = b.run(seconds);
                x = a.run(seconds);
            }
            ra.add(x);
            rb.add(y);
            ratios.add(x / y);
            line.append(String.format(" %.0f/%.0f", x, y));
        }
        System.out.printf(
                "%s: checked/plain by round%s; medians %.0f vs %.0f; ratio median %.3f (range %.3f-%.3f); load %.2f%n",
                what,
                line,
                median(ra),
                median(rb),
                median(ratios),
                java.util.Collections.min(ratios),
                java.util.Collections.max(ratios),
                loadAverage());
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Decodes on {@code threads} threads, each walking {@code tokens} from its own offset. */
    static double decodes(JwtDecoder decoder, List<String> tokens, int seconds, int threads) throws Exception {
        return parallel(seconds, threads, (t, n) -> {
            decoder.decode(tokens.get((t * 7919 + n) % tokens.size()));
            return true;
        });
    }

    static double http(String url, List<String> tokens, int seconds, int threads) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return parallel(seconds, threads, (t, n) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + tokens.get((t * 7919 + n) % tokens.size()))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    /** One call of a worker: thread index, call number; true if it succeeded. */
    interface Call {
        boolean run(int thread, int n) throws Exception;
    }

    /**
     * Successful calls per second of wall-clock time, from the start until the last worker has finished
     * its last call (calls that overrun the window are counted, and so is their time).
     */
    static double parallel(int seconds, int threads, Call call) throws Exception {
        LongAdder ok = new LongAdder();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int t = i;
            Thread w = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    try {
                        if (call.run(t, n++)) {
                            ok.increment();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        return ok.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
