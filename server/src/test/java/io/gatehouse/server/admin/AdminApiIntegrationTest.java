package io.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.Gatehouse;
import io.gatehouse.server.auth.ClientRegistry;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTP on a server with Redis: who may call it, what each route does to the core
 * state behind it, the admin_action events it leaves, and the metrics those actions move.
 */
class AdminApiIntegrationTest {
    private static final String OPS_SECRET = ClientRegistry.generateSecret();
    private static final String GW_SECRET = ClientRegistry.generateSecret();

    @TempDir
    static Path dataDir;

    private static TestServer server;
    private static Gatehouse services;
    private static String adminToken;
    private static String adminId;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir,
                Map.of(
                        "gatehouse.redis.url", SharedRedis.standalone().url(),
                        // A key prefix of its own: the shared Redis is not flushed under other tests' feet.
                        "gatehouse.redis.key-prefix",
                                "admintest" + UUID.randomUUID().toString().substring(0, 8),
                        "gatehouse.redis.command-timeout", "5s",
                        "gatehouse.sessions.mac-key", "YWRtaW4tdGVzdC1tYWMta2V5LTAxMjM0NTY3ODlhYmNkZWY=",
                        "gatehouse.sessions.device-key", "YWRtaW4tdGVzdC1kZXZpY2Uta2V5LTAxMjM0NTY3ODlhYmM=",
                        "gatehouse.server.clients", "ops,gw",
                        "gatehouse.server.client.ops.secret-hash", ClientRegistry.hashSecret(OPS_SECRET),
                        "gatehouse.server.client.ops.scopes", "admin",
                        "gatehouse.server.client.gw.secret-hash", ClientRegistry.hashSecret(GW_SECRET),
                        "gatehouse.server.client.gw.scopes", "introspect"));
        services = server.server().gatehouse();
        adminId = register("root@example.com");
        CreatedSession s =
                services.sessions().create(NewSession.forUser(adminId).build());
        adminToken = services.tokens()
                .issue(TokenRequest.of(adminId, s.handle()).roles("user", "admin"))
                .accessToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String register(String email) {
        HttpResponse<String> r = server.postJson(
                "/api/v1/auth/register", "{\"email\": \"" + email + "\", \"password\": \"correct horse battery\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestServer.json(r).path("id").asText();
    }

    private static HttpResponse<String> call(String method, String path, String auth, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return server.send(b);
    }

    private static String bearer() {
        return "Bearer " + adminToken;
    }

    private static String basic(String id, String secret) {
        String pair =
                URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyAdminsGetIn() {
        String path = "/api/v1/admin/revocations";
        HttpResponse<String> none = call("GET", path, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse(""))
                .contains("Bearer")
                .contains("Basic");
        assertThat(call("GET", path, basic("ops", OPS_SECRET + "x"), null).statusCode())
                .isEqualTo(401);
        assertThat(call("GET", path, basic("gw", GW_SECRET), null).statusCode()).isEqualTo(403);

        String userId = register("plain@example.com");
        CreatedSession s = services.sessions().create(NewSession.forUser(userId).build());
        String userToken = services.tokens()
                .issue(TokenRequest.of(userId, s.handle()).roles("user"))
                .accessToken();
        assertThat(call("GET", path, "Bearer " + userToken, null).statusCode()).isEqualTo(403);

        assertThat(call("GET", path, bearer(), null).statusCode()).isEqualTo(200);
        assertThat(call("GET", path, basic("ops", OPS_SECRET), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void revokingAUsersTokensEndsSessionsKeepsTheReasonAndIsAudited() {
        String userId = register("victim@example.com");
        List<TokenPair> pairs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CreatedSession s = services.sessions()
                    .create(NewSession.forUser(userId)
                            .ip("198.51.100.2")
                            .userAgent("test/1")
                            .build());
            pairs.add(services.tokens().issue(TokenRequest.of(userId, s.handle())));
        }
        services.tokens().verify(pairs.get(0).accessToken());
        JsonNode listed = TestServer.json(call("GET", "/api/v1/admin/users/" + userId + "/sessions", bearer(), null));
        assertThat(listed.path("sessions")).hasSize(2);
        assertThat(listed.at("/sessions/0/ip").asText()).isEqualTo("198.51.100.2");

        HttpResponse<String> bad =
                call("POST", "/api/v1/admin/users/" + userId + "/revoke-tokens", bearer(), "{\"reason\": 7}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/admin/users/" + userId + "/revoke-tokens", bearer(), "{}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(call(
                                "POST",
                                "/api/v1/admin/users/" + UUID.randomUUID() + "/revoke-tokens",
                                bearer(),
                                "{\"reason\": \"x\"}")
                        .statusCode())
                .isEqualTo(404);
        services.tokens().verify(pairs.get(1).accessToken()); // refused input changed nothing

        HttpResponse<String> r = call(
                "POST",
                "/api/v1/admin/users/" + userId + "/revoke-tokens",
                basic("ops", OPS_SECRET),
                "{\"reason\": \"account compromised (ticket 42)\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestServer.json(r);
        assertThat(body.path("sessions_ended").asInt()).isEqualTo(2);
        assertThat(body.path("reason").asText()).isEqualTo("account compromised (ticket 42)");
        for (TokenPair p : pairs) {
            assertThatThrownBy(() -> services.tokens().verify(p.accessToken()))
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.reason()).isIn(RejectReason.REVOKED_USER, RejectReason.REVOKED_SESSION));
        }
        assertThat(TestServer.json(call("GET", "/api/v1/admin/users/" + userId + "/sessions", bearer(), null))
                        .path("sessions"))
                .isEmpty();

        JsonNode stats = TestServer.json(call("GET", "/api/v1/admin/revocations", bearer(), null));
        assertThat(stats.at("/by_kind/user").asLong()).isPositive();
        assertThat(stats.path("link").path("status").asText()).isEqualTo("healthy");

        services.events().flush(Duration.ofSeconds(10));
        JsonNode events = TestServer.json(
                call("GET", "/api/v1/admin/events?user=" + userId + "&type=admin_action", bearer(), null));
        assertThat(events.path("events")).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("admin_action");
            assertThat(e.path("reason").asText()).isEqualTo("account compromised (ticket 42)");
            assertThat(e.at("/details/action").asText()).isEqualTo("revoke_user_tokens");
            assertThat(e.at("/details/actor").asText()).isEqualTo("client:ops");
        });
        assertThat(events.path("events"))
                .anySatisfy(e -> assertThat(e.at("/details/actor").asText()).isEqualTo("user:" + adminId));

        String metrics = server.get("/metrics").body();
        assertThat(metrics).containsPattern("gatehouse_token_revocations_total\\{kind=\"user\"} [1-9]");
        assertThat(metrics).containsPattern("gatehouse_sessions_ended_total\\{reason=\"ended-all\"} [1-9]");
        assertThat(metrics).containsPattern("gatehouse_sessions_started_total [1-9]");
        assertThat(metrics).contains("gatehouse_sessions_active ");
        assertThat(metrics)
                .containsPattern(
                        "gatehouse_redis_commands_seconds_bucket\\{command=\"EVALSHA\",target=\"[^\"]+\",le=\"[^\"]+\"} [1-9]");
        assertThat(metrics)
                .containsPattern(
                        "http_server_requests_seconds_bucket\\{[^}]*route=\"/api/v1/admin/users/\\{id}/revoke-tokens\"[^}]*status=\"200\"[^}]*le=\"[^\"]+\"}");
        assertThat(metrics).containsPattern("gatehouse_events_stored_total [1-9]");
    }

    @Test
    void endingOneSessionOfAUserAndNotSomeoneElses() {
        String userId = register("two@example.com");
        String otherId = register("other@example.com");
        CreatedSession mine =
                services.sessions().create(NewSession.forUser(userId).build());
        CreatedSession keep =
                services.sessions().create(NewSession.forUser(userId).build());
        CreatedSession theirs =
                services.sessions().create(NewSession.forUser(otherId).build());

        assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions/" + theirs.handle(), bearer(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(services.sessions().get(theirs.id())).isPresent();
        assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions/" + mine.handle(), bearer(), null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(services.sessions().get(mine.id())).isEmpty();
        assertThat(services.sessions().get(keep.id())).isPresent();
        assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions/" + mine.handle(), bearer(), null)
                        .statusCode())
                .isEqualTo(404);
        // The secret session id is not a name for a session here: only its handle is.
        assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions/" + keep.id(), bearer(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(services.sessions().get(keep.id())).isPresent();
        assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions/bad%7Bid%7D", bearer(), null)
                        .statusCode())
                .isIn(400, 404);

        JsonNode all = TestServer.json(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions", bearer(), null));
        assertThat(all.path("sessions_ended").asInt()).isEqualTo(1);
        assertThat(services.sessions().get(keep.id())).isEmpty();
    }

    @Test
    void rateLimitStatusAndReset() {
        // login-account: 5 a minute, so nothing refills noticeably while the test runs.
        var policy = services.policies().policy("login-account");
        String subject = "rl@example.com";
        for (int i = 0; i < 3; i++) {
            services.rateLimiter().decide(policy, subject);
        }
        String path = "/api/v1/admin/rate-limits/login-account?subject=" + subject;
        JsonNode before = TestServer.json(call("GET", path, bearer(), null));
        assertThat(before.path("allowed").asBoolean()).isTrue();
        long limit = before.path("limit").asLong();
        assertThat(before.path("remaining").asLong()).isLessThanOrEqualTo(limit - 3);
        JsonNode again = TestServer.json(call("GET", path, bearer(), null));
        assertThat(again.path("remaining").asLong())
                .as("a peek consumes nothing")
                .isGreaterThanOrEqualTo(before.path("remaining").asLong());

        assertThat(call("DELETE", path, bearer(), null).statusCode()).isEqualTo(204);
        assertThat(TestServer.json(call("GET", path, bearer(), null))
                        .path("remaining")
                        .asLong())
                .as("the full burst is back")
                .isGreaterThanOrEqualTo(limit - 1);

        assertThat(call("GET", "/api/v1/admin/rate-limits/no-such-policy?subject=x", bearer(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/api/v1/admin/rate-limits/api-ip", bearer(), null)
                        .statusCode())
                .isEqualTo(400);
        JsonNode policies = TestServer.json(call("GET", "/api/v1/admin/rate-limits", bearer(), null));
        assertThat(policies.path("policies"))
                .anySatisfy(p -> assertThat(p.path("name").asText()).isEqualTo("api-ip"));

        assertThat(server.get("/metrics").body())
                .containsPattern(
                        "gatehouse_ratelimit_decisions_total\\{outcome=\"allowed\",policy=\"login-account\",source=\"redis\"} [3-9]");
    }

    @Test
    void unlockLiftsALockout() {
        String ip = "203.0.113.99";
        String account = "locked@example.com";
        for (int i = 0; i < 20 && !services.loginGuard().check(ip, account).locked(); i++) {
            services.loginGuard().failure(ip, account);
        }
        assertThat(services.loginGuard().check(ip, account).locked()).isTrue();
        assertThat(call("POST", "/api/v1/admin/lockouts/unlock", bearer(), "{}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> r =
                call("POST", "/api/v1/admin/lockouts/unlock", bearer(), "{\"account\": \"" + account + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(services.loginGuard().check(ip, account).locked()).isFalse();
        assertThat(server.get("/metrics").body())
                .containsPattern("gatehouse_lockouts_total\\{dimension=\"[a-z-]+\",permanent=\"false\"} [1-9]");
    }

    @Test
    void eventQueriesFilterPageAndCount() {
        String userId = register("events@example.com");
        for (int i = 0; i < 3; i++) {
            assertThat(call("DELETE", "/api/v1/admin/users/" + userId + "/sessions", bearer(), null)
                            .statusCode())
                    .isEqualTo(200);
        }
        services.events().flush(Duration.ofSeconds(10));
        String base = "/api/v1/admin/events?user=" + userId + "&type=admin_action&limit=2";
        JsonNode first = TestServer.json(call("GET", base, bearer(), null));
        assertThat(first.path("events")).hasSize(2);
        String cursor = first.path("next_cursor").asText();
        assertThat(cursor).isNotBlank();
        JsonNode second = TestServer.json(
                call("GET", base + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), bearer(), null));
        assertThat(second.path("events")).hasSize(1);
        assertThat(second.at("/events/0/id").asText())
                .isNotIn(
                        first.at("/events/0/id").asText(),
                        first.at("/events/1/id").asText());

        assertThat(TestServer.json(call(
                                "GET",
                                "/api/v1/admin/events?user=" + userId + "&min_severity=critical",
                                bearer(),
                                null))
                        .path("events"))
                .isEmpty();
        assertThat(TestServer.json(call(
                                "GET",
                                "/api/v1/admin/events?user=" + userId
                                        + "&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z",
                                bearer(),
                                null))
                        .path("events"))
                .isEmpty();
        for (String q : new String[] {
            "type=nope",
            "min_severity=loud",
            "from=yesterday",
            "limit=0",
            "limit=x",
            "cursor=%21%21",
            "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"
        }) {
            assertThat(call("GET", "/api/v1/admin/events?" + q, bearer(), null).statusCode())
                    .as(q)
                    .isEqualTo(400);
        }

        JsonNode counts = TestServer.json(call("GET", "/api/v1/admin/events/counts", bearer(), null));
        assertThat(counts.at("/by_type/admin_action").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(counts.at("/by_severity/warning").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(call("GET", "/api/v1/admin/events/counts?from=2026-02-01&to=2026-01-01", bearer(), null)
                        .statusCode())
                .isEqualTo(400);
    }
}
