package io.gatehouse.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.spring.cache.GatehouseSpringCache;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The example application as it is deployed: two instances of it and a real Gatehouse server process on the
 * same Redis deployment (one of the testkit's shared ones), started once per class. The server issues and
 * revokes tokens; the instances accept them, refuse revoked ones from their in-memory revocation state, share
 * HTTP sessions and a cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractExampleAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISSUER = "http://gatehouse.test";
    private static final String CLIENT_SECRET =
            "client-secret-" + HexFormat.of().formatHex(random(8));
    private static final String PASSWORD = "correct horse battery staple";

    private final Topology topology;
    private Path workDir;
    private GatehouseServerProcess server;
    private ConfigurableApplicationContext appA;
    private ConfigurableApplicationContext appB;

    AbstractExampleAppIT(Topology topology) {
        this.topology = topology;
    }

    @BeforeAll
    void start() throws Exception {
        String redisUrl = SharedRedis.get(topology).url();
        String prefix = "spring" + HexFormat.of().formatHex(random(4));
        String macKey = Base64.getEncoder().encodeToString(random(32));
        String deviceKey = Base64.getEncoder().encodeToString(random(32));
        String keyEncryption = Base64.getEncoder().encodeToString(random(32));
        workDir = Files.createTempDirectory("gatehouse-spring-it");
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_REDIS_URL", redisUrl);
        env.put("GATEHOUSE_REDIS_KEY_PREFIX", prefix);
        env.put("GATEHOUSE_REDIS_COMMAND_TIMEOUT", "5s");
        env.put("GATEHOUSE_REDIS_CONNECT_TIMEOUT", "10s");
        env.put("GATEHOUSE_SESSIONS_MAC_KEY", macKey);
        env.put("GATEHOUSE_SESSIONS_DEVICE_KEY", deviceKey);
        env.put("GATEHOUSE_TOKENS_ISSUER", ISSUER);
        env.put("GATEHOUSE_TOKENS_KEYS_ENCRYPTION_KEY", keyEncryption);
        env.put("GATEHOUSE_SERVER_PUBLIC_URL", ISSUER);
        // 200 logins from one address in a minute, and a refresh token reused at once counts as reuse.
        env.put("GATEHOUSE_RATELIMIT_POLICY_LOGIN_IP_RATE", "100000/1m");
        env.put("GATEHOUSE_RATELIMIT_POLICY_LOGIN_ACCOUNT_RATE", "100000/1m");
        env.put("GATEHOUSE_TOKENS_REFRESH_GRACE", "0s");
        env.put("GATEHOUSE_SERVER_CLIENTS", "app");
        env.put("GATEHOUSE_SERVER_CLIENT_APP_SECRET_HASH", "sha256:" + sha256Hex(CLIENT_SECRET));
        env.put("GATEHOUSE_SERVER_CLIENT_APP_SCOPES", "revoke");
        server = GatehouseServerProcess.start(workDir, env);
        HttpResponse<String> registered = Http.postJson(
                server.url("/api/v1/auth/register"),
                "{\"email\":\"ann@example.com\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        String[] props = {
            "server.port=0",
            "spring.main.banner-mode=off",
            "gatehouse.redis.url=" + redisUrl,
            "gatehouse.redis.key-prefix=" + prefix,
            "gatehouse.redis.command-timeout=5s",
            "gatehouse.redis.connect-timeout=10s",
            "gatehouse.sessions.mac-key=" + macKey,
            "gatehouse.sessions.device-key=" + deviceKey,
            "gatehouse.tokens.issuer=" + ISSUER,
            "gatehouse.tokens.keys.encryption-key=" + keyEncryption
        };
        // Two instances started one after the other: together they would only compete for two cores.
        // Each instance has its own data directory (its event spool).
        appA = new SpringApplicationBuilder(ExampleApplication.class, BlockingProductSource.class)
                .properties(props)
                .properties("gatehouse.data-dir=" + workDir.resolve("app-a"))
                .run();
        appB = new SpringApplicationBuilder(ExampleApplication.class, BlockingProductSource.class)
                .properties(props)
                .properties("gatehouse.data-dir=" + workDir.resolve("app-b"))
                .run();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {appB, appA, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
    }

    private static String app(ConfigurableApplicationContext app, String path) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path;
    }

    @Test
    void tokensRevokedAtTheServerAreRefusedByTheAppWithoutAskingTheServer() throws Exception {
        String[] kinds = {"logout", "oauth2-revoke", "reuse"};
        Map<String, List<Long>> byKind = new HashMap<>();
        List<Long> all = new ArrayList<>();
        int within = 0;
        for (int i = 0; i < 200; i++) {
            String kind = kinds[i % kinds.length];
            JsonNode pair = login();
            String access = pair.path("access_token").asText();
            ConfigurableApplicationContext app = i % 2 == 0 ? appA : appB;
            HttpResponse<String> ok = Http.get(app(app, "/api/me"), "Authorization", "Bearer " + access);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

            String refused = access;
            switch (kind) {
                case "logout" ->
                    assertThat(Http.postJson(
                                            server.url("/api/v1/auth/logout"),
                                            "{}",
                                            "Authorization",
                                            "Bearer " + access)
                                    .statusCode())
                            .isIn(200, 204);
                case "oauth2-revoke" ->
                    assertThat(Http.postForm(server.url("/oauth2/revoke"), "token=" + access, "Authorization", basic())
                                    .statusCode())
                            .isEqualTo(200);
                default -> {
                    String oldRefresh = pair.path("refresh_token").asText();
                    HttpResponse<String> rotated = Http.postJson(
                            server.url("/api/v1/auth/refresh"), "{\"refresh_token\":\"" + oldRefresh + "\"}");
                    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
                    refused = JSON.readTree(rotated.body()).path("access_token").asText();
                    assertThat(Http.get(app(app, "/api/me"), "Authorization", "Bearer " + refused)
                                    .statusCode())
                            .isEqualTo(200);
                    assertThat(Http.postJson(
                                            server.url("/api/v1/auth/refresh"),
                                            "{\"refresh_token\":\"" + oldRefresh + "\"}")
                                    .statusCode())
                            .isEqualTo(401);
                }
            }
            // From the moment the server answered: how long until this instance's decoder refuses the token
            // (polled in-process, so the figure is the propagation, not HTTP overhead), then the app over HTTP.
            long revokedAt = System.nanoTime();
            JwtDecoder decoder = app.getBean(JwtDecoder.class);
            String token = refused;
            await().atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> refusedBy(decoder, token));
            long micros = (System.nanoTime() - revokedAt) / 1000;
            HttpResponse<String> r = Http.get(app(app, "/api/me"), "Authorization", "Bearer " + refused);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"")
                    .contains("revoked");
            if (micros <= 100_000) {
                within++;
            }
            all.add(micros);
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(micros);
        }
        System.out.printf(
                "[%s] revocation answered by the server -> refused by the Spring app's decoder (200 revocations):"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms; within 100 ms: %d/200; load average %s%n",
                topology, pct(all, 50), pct(all, 99), pct(all, 100), within, loadAverage());
        byKind.forEach((k, v) -> System.out.printf(
                "[%s]   %s: n=%d p50 %.1f ms p99 %.1f ms%n", topology, k, v.size(), pct(v, 50), pct(v, 99)));

        // The checks above asked nothing of the server: its request counter moves only by our own scrapes.
        JsonNode pair = login();
        double before = serverRequests();
        for (int i = 0; i < 50; i++) {
            assertThat(Http.get(
                                    app(appA, "/api/me"),
                                    "Authorization",
                                    "Bearer " + pair.path("access_token").asText())
                            .statusCode())
                    .isEqualTo(200);
        }
        double after = serverRequests();
        assertThat(after - before)
                .as("requests the server saw during 50 checks at the app")
                .isLessThanOrEqualTo(1.0);
    }

    @Test
    void maximumSessionsOneEvictsTheOlderSessionAcrossInstances() {
        HttpResponse<String> first = Http.postForm(app(appA, "/login"), "username=bob&password=bob-password");
        assertThat(first.statusCode()).isEqualTo(200);
        String older = Http.sessionCookie(first).orElseThrow();
        assertThat(Http.get(app(appA, "/web/me"), "Cookie", older).statusCode()).isEqualTo(200);
        assertThat(Http.get(app(appB, "/web/me"), "Cookie", older).statusCode())
                .as("sessions are shared")
                .isEqualTo(200);

        HttpResponse<String> second = Http.postForm(app(appB, "/login"), "username=bob&password=bob-password");
        assertThat(second.statusCode()).isEqualTo(200);
        String newer = Http.sessionCookie(second).orElseThrow();

        assertThat(Http.get(app(appA, "/web/me"), "Cookie", older).statusCode())
                .as("the older session")
                .isEqualTo(401);
        assertThat(Http.get(app(appB, "/web/me"), "Cookie", newer).statusCode()).isEqualTo(200);
        assertThat(Http.get(app(appA, "/web/me"), "Cookie", newer).statusCode()).isEqualTo(200);
    }

    @Test
    void twoInstancesMissingTheSameKeyRunTheLoaderOnce() throws Exception {
        BlockingProductSource.release = new CountDownLatch(1);
        int enteredBefore = BlockingProductSource.ENTERED.get();
        long loadsBefore = loads();
        String key = "k" + HexFormat.of().formatHex(random(4));
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> a = client.sendAsync(
                HttpRequest.newBuilder(URI.create(app(appA, "/public/products/" + key)))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> BlockingProductSource.ENTERED.get() == enteredBefore + 1);
        long waitsBefore = leaseWaits(appB);
        CompletableFuture<HttpResponse<String>> b = client.sendAsync(
                HttpRequest.newBuilder(URI.create(app(appB, "/public/products/" + key)))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // Instance B is now waiting for A's loader (its lease in Redis), not loading itself.
        await().atMost(Duration.ofSeconds(30)).until(() -> leaseWaits(appB) > waitsBefore);
        BlockingProductSource.release.countDown();

        HttpResponse<String> ra = a.get();
        HttpResponse<String> rb = b.get();
        assertThat(ra.statusCode()).isEqualTo(200);
        assertThat(rb.body()).isEqualTo(ra.body());
        assertThat(loads() - loadsBefore)
                .as("loader runs across both instances")
                .isEqualTo(1);
        assertThat(BlockingProductSource.ENTERED.get()).isEqualTo(enteredBefore + 1);
    }

    private static boolean refusedBy(JwtDecoder decoder, String token) {
        try {
            decoder.decode(token);
            return false;
        } catch (BadJwtException e) {
            return true;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static long leaseWaits(ConfigurableApplicationContext app) {
        GatehouseSpringCache cache =
                (GatehouseSpringCache) app.getBean(CacheManager.class).getCache("products");
        return cache.getNativeCache().stats().leaseWaits();
    }

    private long loads() {
        return appA.getBean(ProductCatalog.class).loads()
                + appB.getBean(ProductCatalog.class).loads();
    }

    private JsonNode login() throws Exception {
        HttpResponse<String> r = Http.postJson(
                server.url("/api/v1/auth/login"), "{\"email\":\"ann@example.com\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private double serverRequests() {
        double sum = 0;
        for (String line : Http.get(server.url("/metrics")).body().split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("app:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    }

    private static double pct(List<Long> micros, int p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
