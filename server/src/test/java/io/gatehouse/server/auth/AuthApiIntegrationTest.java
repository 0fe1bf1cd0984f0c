package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.event.EventPage;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Login, refresh, logout, logout-all, me, sessions, devices and password change over HTTP, on each store. */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class AuthApiIntegrationTest {
    @Parameter
    AuthClient.Store store;

    static AuthClient api;

    @BeforeParameterizedClassInvocation
    static void start(AuthClient.Store store) throws Exception {
        api = AuthClient.start(store, Files.createTempDirectory("auth-api"), Map.of());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        api.close();
    }

    @Test
    void loginReturnsTheContractShapeAndOpensASessionWithTheClientsDevice() {
        String email = api.registerUser();
        HttpResponse<String> r = api.server.send(HttpRequest.newBuilder(api.server.uri("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .header("User-Agent", "TestAgent/1.0")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email.toUpperCase() + "\",\"password\":\"" + AuthClient.PASSWORD
                                + "\",\"device\":{\"name\":\"Ann's laptop\",\"fingerprint\":\"fp-123\"}}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("RateLimit-Policy")).get().asString().contains("\"login-ip\"");
        JsonNode tokens = TestServer.json(r);
        assertThat(tokens.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.path("expires_in").asLong()).isBetween(800L, 900L);
        assertThat(tokens.path("access_token").asText()).startsWith("ey");
        assertThat(tokens.path("refresh_token").asText())
                .as("opaque, not a JWT")
                .startsWith("ghr1.");
        String sessionId = tokens.path("session_id").asText();
        assertThat(sessionId).isNotBlank();

        HttpResponse<String> me =
                api.get("/api/v1/me", tokens.path("access_token").asText());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(TestServer.json(me).path("email").asText()).isEqualTo(email);
        assertThat(me.body()).doesNotContain("hash").doesNotContain(AuthClient.PASSWORD);

        JsonNode sessions = TestServer.json(
                api.get("/api/v1/sessions", tokens.path("access_token").asText()));
        assertThat(sessions.path("sessions")).hasSize(1);
        JsonNode s = sessions.path("sessions").get(0);
        assertThat(s.path("id").asText()).isEqualTo(sessionId);
        assertThat(s.path("current").asBoolean()).isTrue();
        assertThat(s.path("user_agent").asText()).isEqualTo("TestAgent/1.0");
        assertThat(s.path("device_name").asText()).isEqualTo("Ann's laptop");
        assertThat(s.path("ip").asText()).isNotBlank();
        assertThat(s.path("device_id").asText()).isNotBlank().isNotEqualTo("fp-123");

        SecurityEvent success = events(userId(tokens), EventType.LOGIN_SUCCESS).get(0);
        assertThat(success.userAgent()).hasValue("TestAgent/1.0");
        assertThat(success.ip()).isPresent();
        assertThat(success.session()).hasValue(sessionId);
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSame401AndAreRecorded() {
        String email = api.registerUser();
        HttpResponse<String> wrong = api.postJson(
                "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"not the password\"}", null);
        HttpResponse<String> unknown = api.postJson(
                "/api/v1/auth/login", "{\"email\":\"nobody-" + email + "\",\"password\":\"not the password\"}", null);
        for (HttpResponse<String> r : List.of(wrong, unknown)) {
            JsonNode p = Problems.assertProblem(r, 401);
            assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:invalid-credentials");
            assertThat(p.path("detail").asText()).isEqualTo("the email or the password is not correct");
        }
        api.server.server().gatehouse().events().flush(Duration.ofSeconds(10));
        EventPage failures = api.server
                .server()
                .gatehouse()
                .events()
                .query(EventQuery.builder()
                        .types(EventType.LOGIN_FAILURE)
                        .limit(500)
                        .build());
        assertThat(failures.events()).anySatisfy(e -> {
            assertThat(e.details()).containsEntry("account", email.toLowerCase());
            assertThat(e.reason()).hasValue("bad_credentials");
            assertThat(e.ip()).isPresent();
        });
    }

    @Test
    void badLoginRequestsAre400Or415AndNever5xx() {
        Problems.assertProblem(api.postJson("/api/v1/auth/login", "{\"email\":\"a@b.c\"}", null), 400);
        Problems.assertProblem(api.postJson("/api/v1/auth/login", "{\"email\":1,\"password\":\"x\"}", null), 400);
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/login", "{\"email\":\"a@b.c\",\"password\":\"x\",\"device\":\"laptop\"}", null),
                400);
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/login",
                        "{\"email\":\"a@b.c\",\"password\":\"x\",\"device\":{\"name\":\"" + "n".repeat(101) + "\"}}",
                        null),
                400);
        Problems.assertProblem(api.postJson("/api/v1/auth/login", "{oops", null), 400);
        Problems.assertProblem(
                api.server.send(HttpRequest.newBuilder(api.server.uri("/api/v1/auth/login"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("x"))),
                415);
        // An email with spaces and braces is a rate-limit subject only in hashed form: still a plain 401.
        Problems.assertProblem(
                api.postJson("/api/v1/auth/login", "{\"email\":\" {a b}@c \",\"password\":\"x\"}", null), 401);
        Problems.assertProblem(api.postJson("/api/v1/auth/refresh", "{}", null), 400);
    }

    @Test
    void refreshRotatesAndARetryWithinTheGraceWindowGetsTheSameSuccessor() {
        JsonNode first = api.login(api.registerUser());
        HttpResponse<String> r = api.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + first.path("refresh_token").asText() + "\"}",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode second = TestServer.json(r);
        assertThat(second.path("refresh_token").asText())
                .isNotEqualTo(first.path("refresh_token").asText());
        assertThat(second.path("session_id").asText())
                .isEqualTo(first.path("session_id").asText());
        assertThat(api.get("/api/v1/me", second.path("access_token").asText()).statusCode())
                .isEqualTo(200);
        // The first access token is still good until it expires: rotation retires refresh tokens only.
        assertThat(api.get("/api/v1/me", first.path("access_token").asText()).statusCode())
                .isEqualTo(200);

        // Grace window: the same old token again within it returns the same successor (a client retry).
        JsonNode retry = TestServer.json(api.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + first.path("refresh_token").asText() + "\"}",
                null));
        assertThat(retry.path("refresh_token").asText())
                .isEqualTo(second.path("refresh_token").asText());

        // Rotate once more, then present the first token (now two generations old): reuse.
        JsonNode third = TestServer.json(api.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + second.path("refresh_token").asText() + "\"}",
                null));
        assertThat(third.path("refresh_token").isTextual()).isTrue();
        HttpResponse<String> reused = api.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + second.path("refresh_token").asText() + "\"}",
                null);
        // second was rotated inside the grace window of its own rotation: still a retry, not reuse.
        assertThat(reused.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(reused).path("refresh_token").asText())
                .isEqualTo(third.path("refresh_token").asText());
    }

    @Test
    void reuseAfterTheGraceWindowRevokesTheFamilyAndEndsTheSession() throws Exception {
        try (AuthClient noGrace = AuthClient.start(
                store, Files.createTempDirectory("auth-nograce"), Map.of("gatehouse.tokens.refresh.grace", "0s"))) {
            JsonNode first = noGrace.login(noGrace.registerUser());
            JsonNode second = TestServer.json(noGrace.postJson(
                    "/api/v1/auth/refresh",
                    "{\"refresh_token\":\"" + first.path("refresh_token").asText() + "\"}",
                    null));
            assertThat(second.path("access_token").isTextual())
                    .as(second.toString())
                    .isTrue();

            HttpResponse<String> reused = noGrace.postJson(
                    "/api/v1/auth/refresh",
                    "{\"refresh_token\":\"" + first.path("refresh_token").asText() + "\"}",
                    null);
            JsonNode p = Problems.assertProblem(reused, 401);
            assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:refresh-token-reused");
            // The whole family: the legitimate successor and its access token are dead too, and the session ended.
            HttpResponse<String> successor = noGrace.postJson(
                    "/api/v1/auth/refresh",
                    "{\"refresh_token\":\"" + second.path("refresh_token").asText() + "\"}",
                    null);
            assertThat(Problems.assertProblem(successor, 401).path("type").asText())
                    .isEqualTo("urn:gatehouse:problem:invalid-refresh-token");
            HttpResponse<String> me =
                    noGrace.get("/api/v1/me", second.path("access_token").asText());
            Problems.assertProblem(me, 401);
            assertThat(me.headers().firstValue("WWW-Authenticate"))
                    .get()
                    .asString()
                    .startsWith("Bearer realm=\"gatehouse\", error=\"invalid_token\"");
            assertThat(noGrace.server
                            .server()
                            .gatehouse()
                            .sessions()
                            .getByHandle(first.path("session_id").asText()))
                    .isEmpty();
        }
    }

    @Test
    void logoutStopsTheAccessTokenTheRefreshTokenAndTheSessionAtOnce() {
        String email = api.registerUser();
        JsonNode t = api.login(email);
        JsonNode other = api.login(email);
        String access = t.path("access_token").asText();
        assertThat(api.get("/api/v1/me", access).statusCode()).isEqualTo(200);

        HttpResponse<String> out = api.post("/api/v1/auth/logout", access);
        assertThat(out.statusCode()).as(out.body()).isEqualTo(204);

        HttpResponse<String> me = api.get("/api/v1/me", access);
        JsonNode p = Problems.assertProblem(me, 401);
        assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:invalid-token");
        assertThat(me.body()).doesNotContain(access);
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/refresh",
                        "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                        null),
                401);
        Problems.assertProblem(api.post("/api/v1/auth/logout", access), 401);
        // Only that session: the other login of the same user still works.
        assertThat(api.get("/api/v1/me", other.path("access_token").asText()).statusCode())
                .isEqualTo(200);
        assertThat(events(userId(t), EventType.LOGOUT)).hasSize(1);
    }

    @Test
    void logoutAllEndsEverySessionAndTokenAndALoginRightAfterWorks() {
        String email = api.registerUser();
        JsonNode a = api.login(email);
        JsonNode b = api.login(email);
        assertThat(api.post("/api/v1/auth/logout-all", a.path("access_token").asText())
                        .statusCode())
                .isEqualTo(204);
        for (JsonNode t : List.of(a, b)) {
            Problems.assertProblem(api.get("/api/v1/me", t.path("access_token").asText()), 401);
            Problems.assertProblem(
                    api.postJson(
                            "/api/v1/auth/refresh",
                            "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                            null),
                    401);
        }
        assertThat(api.server.server().gatehouse().sessions().list(userId(a))).isEmpty();
        JsonNode again = api.login(email);
        assertThat(api.get("/api/v1/me", again.path("access_token").asText()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void passwordChangeRevokesEveryTokenEndsOtherSessionsAndKeepsThisOneWithANewPair() {
        String email = api.registerUser();
        JsonNode mine = api.login(email);
        JsonNode other = api.login(email);
        String newPassword = "a much better passphrase";
        HttpResponse<String> r = api.postJson(
                "/api/v1/me/password",
                "{\"current_password\":\"" + AuthClient.PASSWORD + "\",\"new_password\":\"" + newPassword + "\"}",
                mine.path("access_token").asText());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode changed = TestServer.json(r);
        assertThat(changed.path("sessions_ended").asInt()).isEqualTo(1);
        assertThat(changed.path("session_id").asText())
                .isEqualTo(mine.path("session_id").asText());

        Problems.assertProblem(api.get("/api/v1/me", mine.path("access_token").asText()), 401);
        Problems.assertProblem(api.get("/api/v1/me", other.path("access_token").asText()), 401);
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/refresh",
                        "{\"refresh_token\":\"" + mine.path("refresh_token").asText() + "\"}",
                        null),
                401);
        assertThat(api.get("/api/v1/me", changed.path("access_token").asText()).statusCode())
                .isEqualTo(200);
        assertThat(api.postJson(
                                "/api/v1/auth/refresh",
                                "{\"refresh_token\":\""
                                        + changed.path("refresh_token").asText() + "\"}",
                                null)
                        .statusCode())
                .isEqualTo(200);

        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                        null),
                401);
        api.login(email, newPassword);
        assertThat(events(userId(mine), EventType.PASSWORD_CHANGED)).hasSize(1);

        // Wrong current password: 400 naming the field, nothing changes.
        HttpResponse<String> wrong = api.postJson(
                "/api/v1/me/password",
                "{\"current_password\":\"nope nope nope\"," + "\"new_password\":\"yet another passphrase\"}",
                changed.path("access_token").asText());
        JsonNode p = Problems.assertProblem(wrong, 400);
        assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo("current_password");
        assertThat(api.get("/api/v1/me", changed.path("access_token").asText()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void meIsServedFromTheCacheAndReloadedAfterTheProfileIsDropped() {
        String email = api.registerUser();
        JsonNode t = api.login(email);
        String id = userId(t);
        // Change the user behind the cache's back: /me still shows the cached profile...
        api.server.server().gatehouse().users().setRoles(id, java.util.Set.of("user", "auditor"));
        assertThat(TestServer.json(api.get("/api/v1/me", t.path("access_token").asText()))
                        .path("roles")
                        .toString())
                .isEqualTo("[\"user\"]");
        // ...until whoever changed it drops the profile, as every change must.
        api.server.server().gatehouse().profiles().drop(id);
        assertThat(TestServer.json(api.get("/api/v1/me", t.path("access_token").asText()))
                        .path("roles")
                        .toString())
                .isEqualTo("[\"auditor\",\"user\"]");
    }

    @Test
    void sessionsCanBeEndedOnlyByTheirOwner() {
        String email = api.registerUser();
        JsonNode a = api.login(email);
        JsonNode b = api.login(email);
        JsonNode stranger = api.login(api.registerUser());
        String access = a.path("access_token").asText();

        JsonNode list = TestServer.json(api.get("/api/v1/sessions", access)).path("sessions");
        assertThat(list).hasSize(2);
        assertThat(StreamSupport.stream(list.spliterator(), false)
                        .filter(s -> s.path("current").asBoolean())
                        .toList())
                .singleElement()
                .satisfies(s -> assertThat(s.path("id").asText())
                        .isEqualTo(a.path("session_id").asText()));

        Problems.assertProblem(
                api.delete("/api/v1/sessions/" + stranger.path("session_id").asText(), access), 404);
        assertThat(api.get("/api/v1/me", stranger.path("access_token").asText()).statusCode())
                .isEqualTo(200);
        Problems.assertProblem(api.delete("/api/v1/sessions/not-a-session-id", access), 404);

        assertThat(api.delete("/api/v1/sessions/" + b.path("session_id").asText(), access)
                        .statusCode())
                .isEqualTo(204);
        Problems.assertProblem(api.get("/api/v1/me", b.path("access_token").asText()), 401);
        Problems.assertProblem(
                api.delete("/api/v1/sessions/" + b.path("session_id").asText(), access), 404);
        assertThat(TestServer.json(api.get("/api/v1/sessions", access)).path("sessions"))
                .hasSize(1);
    }

    @Test
    void theCurrentDeviceCanBeTrustedAndTrustWithdrawn() {
        String email = api.registerUser();
        HttpResponse<String> login = api.postJson(
                "/api/v1/auth/login",
                "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD
                        + "\",\"device\":{\"fingerprint\":\"device-cookie-42\"}}",
                null);
        String access = TestServer.json(login).path("access_token").asText();
        HttpResponse<String> trusted = api.post("/api/v1/devices/current/trust", access);
        assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(200);
        String deviceId = TestServer.json(trusted).path("device_id").asText();
        assertThat(TestServer.json(trusted).path("trusted_until").asText()).isNotBlank();

        JsonNode devices = TestServer.json(api.get("/api/v1/devices", access)).path("devices");
        assertThat(devices).singleElement().satisfies(d -> {
            assertThat(d.path("device_id").asText()).isEqualTo(deviceId);
            assertThat(d.path("trusted").asBoolean()).isTrue();
            assertThat(d.path("current").asBoolean()).isTrue();
            assertThat(d.path("sessions").asInt()).isEqualTo(1);
        });
        assertThat(api.delete("/api/v1/devices/" + deviceId + "/trust", access).statusCode())
                .isEqualTo(204);
        Problems.assertProblem(api.delete("/api/v1/devices/" + deviceId + "/trust", access), 404);
        assertThat(TestServer.json(api.get("/api/v1/devices", access))
                        .path("devices")
                        .get(0)
                        .path("trusted")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void protectedRoutesRefuseMissingAndBadTokensWithTheBearerChallenge() {
        for (String path : List.of("/api/v1/me", "/api/v1/sessions", "/api/v1/devices")) {
            HttpResponse<String> none = api.get(path, null);
            Problems.assertProblem(none, 401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gatehouse\"");
            HttpResponse<String> bad = api.get(path, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
            Problems.assertProblem(bad, 401);
            assertThat(bad.headers().firstValue("WWW-Authenticate"))
                    .get()
                    .asString()
                    .contains("error=\"invalid_token\"");
        }
        // A refresh token is not an access token.
        JsonNode t = api.login(api.registerUser());
        Problems.assertProblem(api.get("/api/v1/me", t.path("refresh_token").asText()), 401);
        String metrics = api.server.get("/metrics").body();
        assertThat(metrics)
                .containsPattern("gatehouse_token_verifications_total\\{outcome=\"unsigned\"} [1-9]")
                .containsPattern("gatehouse_token_verifications_total\\{outcome=\"ok\"} [1-9]")
                .containsPattern("gatehouse_token_verifications_total\\{outcome=\"wrong_token_use\"} [1-9]");
    }

    @Test
    void suspendedUsersCanNeitherLogInNorRefresh() {
        String email = api.registerUser();
        JsonNode t = api.login(email);
        String id = userId(t);
        api.server.server().gatehouse().users().suspend(id);
        api.server.server().gatehouse().profiles().drop(id);
        JsonNode p = Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                        null),
                403);
        assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:account-suspended");
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/refresh",
                        "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                        null),
                403);
        // A wrong password for a suspended account says nothing about the suspension.
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"wrong password here\"}",
                        null),
                401);
    }

    static String userId(JsonNode tokens) {
        return JwtParts.claims(tokens.path("access_token").asText()).path("sub").asText();
    }

    private static List<SecurityEvent> events(String userId, EventType type) {
        api.server.server().gatehouse().events().flush(Duration.ofSeconds(10));
        return api.server
                .server()
                .gatehouse()
                .events()
                .query(EventQuery.builder().user(userId).types(type).limit(50).build())
                .events();
    }
}
