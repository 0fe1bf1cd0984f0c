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
 * machine. Run by hand (see docs/BENCHMARKS.md), not by the suite:
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
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
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
            String token = checked.getBean(Gatehouse.class)
                    .tokens()
                    .issue(TokenRequest.of("bench-user", "bench-session").roles("user"))
                    .accessToken();
            String a = "http://127.0.0.1:" + checked.getEnvironment().getProperty("local.server.port") + "/api/me";
            String b = "http://127.0.0.1:" + plain.getEnvironment().getProperty("local.server.port") + "/api/me";
            run(a, token, 3, threads); // warm-up of both
            run(b, token, 3, threads);
            List<Double> ra = new ArrayList<>();
            List<Double> rb = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ra.add(run(a, token, seconds, threads));
                rb.add(run(b, token, seconds, threads));
                System.out.printf(
                        "round %d: revocation-checking decoder %.0f req/s, plain NimbusJwtDecoder %.0f req/s%n",
                        r + 1, ra.get(r), rb.get(r));
            }
            double ma = median(ra);
            double mb = median(rb);
            System.out.printf(
                    "median: checked %.0f req/s, plain %.0f req/s, ratio %.3f (%d threads, %d s rounds)%n",
                    ma, mb, ma / mb, threads, seconds);

            // The decoders alone, in this thread: one token again and again (Gatehouse's verify cache answers
            // repeats without the signature check), and 20,000 distinct tokens in turn (more than the cache
            // holds, so every call checks the signature, as Nimbus always does).
            JwtDecoder dc = checked.getBean(JwtDecoder.class);
            JwtDecoder dp = plain.getBean(JwtDecoder.class);
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                many.add(checked.getBean(Gatehouse.class)
                        .tokens()
                        .issue(TokenRequest.of("u" + i, "s" + i))
                        .accessToken());
            }
            for (int r = 0; r < rounds; r++) {
                System.out.printf(
                        "decode round %d: same token checked %.0f/s plain %.0f/s; distinct tokens checked %.0f/s plain %.0f/s%n",
                        r + 1,
                        decodes(dc, List.of(token), seconds),
                        decodes(dp, List.of(token), seconds),
                        decodes(dc, many, seconds),
                        decodes(dp, many, seconds));
            }
        }
    }

    private static double decodes(JwtDecoder decoder, List<String> tokens, int seconds) {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long n = 0;
        int i = 0;
        while (System.nanoTime() < end) {
            decoder.decode(tokens.get(i));
            i = i + 1 == tokens.size() ? 0 : i + 1;
            n++;
        }
        return n / (double) seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double run(String url, String token, int seconds, int threads) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .build();
        LongAdder ok = new LongAdder();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<Void> res = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (res.statusCode() == 200) {
                            ok.increment();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        return ok.sum() / (double) seconds;
    }
}
