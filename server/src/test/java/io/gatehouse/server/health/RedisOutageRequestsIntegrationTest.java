package io.gatehouse.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testkit.FaultProxy;
import io.gatehouse.testkit.StandaloneRedis;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server while its Redis is unreachable (a partition: a proxy that accepts and never answers) or
 * frozen for writes ({@code CLIENT PAUSE ... WRITE}, as during a failover: every Gatehouse write waits),
 * with no end set to either: the test ends them itself, and only after
 * every request of a burst has been answered. So no request waits for Redis to come back; requests do
 * not pile up for the length of an outage (in-flight stays bounded by the command timeout, however long
 * the outage), each is a 503 with {@code Retry-After}, {@code /health} answers and says degraded, and
 * logins work again by themselves after the heal.
 *
 * <p>No time bound is asserted: the outage lasts until the burst is answered (at most a minute, far
 * beyond the 1 s command timeout), which holds on a loaded machine as on a quiet one.
 */
class RedisOutageRequestsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BURST = 40;

    @TempDir
    Path dataDir;

    @Test
    void partitionAnswersEveryRequestWith503WhileItLastsAndHealthSaysDegraded() {
        try (StandaloneRedis redis = StandaloneRedis.start();
                FaultProxy proxy = FaultProxy.start(redis.node());
                TestServer server = TestServer.start(dataDir, settings(proxy.url()))) {
            String credentials = registered(server);

            proxy.blackhole();
            assertBurstAnsweredWith503(server, credentials);
            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> r = server.get("/health");
                JsonNode h = TestServer.json(r);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(h.path("status").asText()).as(h.toString()).isEqualTo("degraded");
                assertThat(h.at("/checks/redis/status").asText())
                        .as(h.toString())
                        .isEqualTo("unhealthy");
                assertThat(h.at("/checks/tokens/status").asText())
                        .as(h.toString())
                        .isEqualTo("degraded");
                assertThat(h.at("/checks/sessions/status").asText())
                        .as(h.toString())
                        .isEqualTo("unhealthy");
            });

            proxy.heal();
            assertRecovers(server, credentials);
        }
    }

    @Test
    void frozenRedisAnswersEveryRequestWith503WhileItLastsAndRecoversByItself() {
        try (StandaloneRedis redis = StandaloneRedis.start();
                TestServer server = TestServer.start(dataDir, settings(redis.url()))) {
            String credentials = registered(server);

            // Frozen for up to a minute; unpaused below once the burst is answered. WRITE, not ALL: under
            // ALL the CLIENT UNPAUSE of a new connection waits too.
            redis.node().cli("CLIENT", "PAUSE", "60000", "WRITE");
            try {
                assertBurstAnsweredWith503(server, credentials);
            } finally {
                redis.node().cli("CLIENT", "UNPAUSE");
            }
            assertRecovers(server, credentials);
        }
    }

    private static Map<String, String> settings(String redisUrl) {
        return Map.of(
                "gatehouse.redis.url", redisUrl,
                "gatehouse.redis.command-timeout", "1s",
                "gatehouse.redis.connect-timeout", "5s",
                "gatehouse.sessions.mac-key", "b3V0YWdlLXRlc3QtbWFjLWtleS0wMTIzNDU2Nzg5YWJjZGVm",
                "gatehouse.sessions.device-key", "b3V0YWdlLXRlc3QtZGV2aWNlLWtleS0wMTIzNDU2Nzg5YWJj",
                // Health must say degraded (revocation state served within its budget) however long
                // a loaded machine takes to get there; past the budget it would rightly say unhealthy.
                "gatehouse.tokens.revocation.staleness-budget", "10m",
                // The burst comes from one address: refused for Redis, not by the login-ip limit.
                "gatehouse.ratelimit.policy.login-ip.rate", "1000/1m");
    }

    /** Registers a user and logs in once while Redis is fine; returns the login body. */
    private static String registered(TestServer server) {
        String credentials = "{\"email\":\"outage@example.com\",\"password\":\"outage horse battery staple\"}";
        assertThat(server.postJson("/api/v1/auth/register", credentials).statusCode())
                .isEqualTo(201);
        assertThat(server.postJson("/api/v1/auth/login", credentials).statusCode())
                .isEqualTo(200);
        return credentials;
    }

    /**
     * Sends {@link #BURST} logins at once and waits until every one is answered: each must be a 503 with
     * {@code Retry-After}. Called while the outage lasts (the caller ends it afterwards), so a request that
     * waited for Redis would never be answered here and the wait would fail.
     */
    private static void assertBurstAnsweredWith503(TestServer server, String credentials) {
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            answers.add(client.sendAsync(
                    HttpRequest.newBuilder(server.uri("/api/v1/auth/login"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(credentials))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(WAIT).until(() -> answers.stream().allMatch(CompletableFuture::isDone));
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.join();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(r.body()).isPresent();
        }
    }

    private static void assertRecovers(TestServer server, String credentials) {
        await().atMost(WAIT)
                .until(() -> server.postJson("/api/v1/auth/login", credentials).statusCode() == 200);
    }
}
