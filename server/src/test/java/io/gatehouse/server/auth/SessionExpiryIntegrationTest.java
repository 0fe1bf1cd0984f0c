package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that expires is reported to nobody, so its tokens are not revoked: the protected routes,
 * refresh and introspection must look the session up. Sessions here idle out after two seconds (one
 * was too short for the first request after login on a machine at load 25).
 */
class SessionExpiryIntegrationTest {
    @Test
    void tokensOfAnExpiredSessionAreRefusedEverywhere(@TempDir Path dataDir) {
        Map<String, String> config = new java.util.HashMap<>(OAuthIntegrationTest.clients());
        config.put("gatehouse.sessions.idle-timeout", "2s");
        config.put("gatehouse.sessions.touch-interval", "0s");
        try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config)) {
            JsonNode t = api.login(api.registerUser());
            String access = t.path("access_token").asText();
            assertThat(api.get("/api/v1/me", access).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> api.server
                            .server()
                            .gatehouse()
                            .sessions()
                            .getByHandle(t.path("session_id").asText())
                            .isEmpty());

            // The token itself still verifies (not expired, not revoked); the session is what is gone.
            assertThat(api.server.server().gatehouse().tokens().verify(access).subject())
                    .isNotBlank();
            JsonNode p = Problems.assertProblem(api.get("/api/v1/me", access), 401);
            assertThat(p.path("detail").asText()).contains("session");
            assertThat(TestServer.json(api.form(
                                    "/oauth2/introspect",
                                    Map.of("token", access),
                                    OAuthIntegrationTest.GATEWAY.toBasicHeader()))
                            .path("active")
                            .asBoolean())
                    .isFalse();
            Problems.assertProblem(
                    api.postJson(
                            "/api/v1/auth/refresh",
                            "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                            null),
                    401);
            assertThat(api.server.get("/metrics").body())
                    .containsPattern("gatehouse_token_verifications_total\\{outcome=\"session_expired\"} [1-9]");
        }
    }
}
