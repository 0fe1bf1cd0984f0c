package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testkit.StandaloneRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While Redis is down, sessions and rotation cannot be checked: protected routes and refresh answer 503
 * with {@code Retry-After} (never 401, which would make clients throw away good tokens), and everything
 * works again with the same tokens once Redis answers again. The outage is a {@code CLIENT PAUSE}, so Redis
 * keeps its data (a killed test Redis has no persistence).
 */
class RedisOutageIntegrationTest {
    @Test
    void anOutageIs503AndTheSameTokensWorkAfterIt(@TempDir Path dataDir) {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            Map<String, String> config = new HashMap<>(AuthClient.Store.REDIS.config());
            config.put("gatehouse.redis.url", redis.url());
            config.put("gatehouse.redis.command-timeout", "500ms");
            config.put("gatehouse.tokens.revocation.staleness-budget", "2s");
            config.put("gatehouse.tokens.revocation.read-block", "200ms");
            try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config)) {
                JsonNode t = api.login(api.registerUser());
                String access = t.path("access_token").asText();
                assertThat(api.get("/api/v1/me", access).statusCode()).isEqualTo(200);

                // Every client's commands are held for 5 s: Redis is unreachable for the server, and keeps its data.
                redis.node().cli("CLIENT", "PAUSE", "5000", "ALL");
                HttpResponse<String> me = api.get("/api/v1/me", access);
                Problems.assertProblem(me, 503);
                assertThat(me.headers().firstValue("Retry-After")).isPresent();
                Problems.assertProblem(
                        api.postJson(
                                "/api/v1/auth/refresh",
                                "{\"refresh_token\":\""
                                        + t.path("refresh_token").asText() + "\"}",
                                null),
                        503);

                // The pause ends by itself after 5 s.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> api.get("/api/v1/me", access).statusCode() == 200);
                HttpResponse<String> refreshed = api.postJson(
                        "/api/v1/auth/refresh",
                        "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                        null);
                assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
                assertThat(TestServer.json(refreshed).path("session_id").asText())
                        .isEqualTo(t.path("session_id").asText());
            }
        }
    }
}
