package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.server.http.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Revocations and refresh-token reuse reach the security event log, on the in-memory store and on Redis. */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class TokenEventsIntegrationTest {
    @Parameter
    AuthClient.Store store;

    @TempDir
    Path dataDir;

    @Test
    void tokenRevokedAndRefreshReuseAreRecordedAsEvents() {
        try (AuthClient api = AuthClient.startFresh(store, dataDir, Map.of("gatehouse.tokens.refresh.grace", "0s"))) {
            SecurityEvents events = api.server.server().gatehouse().events();
            String email = api.registerUser();
            JsonNode first = api.login(email);
            String userId = TestServer.json(
                            api.get("/api/v1/me", first.path("access_token").asText()))
                    .path("id")
                    .asText();

            assertThat(api.post(
                                    "/api/v1/auth/logout-all",
                                    first.path("access_token").asText())
                            .statusCode())
                    .isEqualTo(204);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ofUser(events, userId, EventType.TOKEN_REVOKED))
                            .anySatisfy(e -> assertThat(e.details()).containsEntry("kind", "user")));

            JsonNode second = api.login(email);
            String retired = second.path("refresh_token").asText();
            assertThat(api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + retired + "\"}", null)
                            .statusCode())
                    .isEqualTo(200);
            Problems.assertProblem(
                    api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + retired + "\"}", null), 401);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<SecurityEvent> reuse = ofUser(events, userId, EventType.REFRESH_REUSE_DETECTED);
                assertThat(reuse).hasSize(1);
                String family = reuse.get(0).details().get("family");
                assertThat(events.query(EventQuery.builder()
                                        .types(EventType.TOKEN_REVOKED)
                                        .limit(100)
                                        .build())
                                .events())
                        .anySatisfy(e -> assertThat(e.details())
                                .containsEntry("kind", "family")
                                .containsEntry("family", family));
            });
        }
    }

    private static List<SecurityEvent> ofUser(SecurityEvents events, String userId, EventType type) {
        return events.query(
                        EventQuery.builder().user(userId).types(type).limit(100).build())
                .events();
    }
}
