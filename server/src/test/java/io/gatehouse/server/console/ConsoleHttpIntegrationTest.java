package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.http.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP contract without a browser: headers, the cookie, the origin and CSRF checks, and the
 * separation of the console cookie from the API's tokens.
 */
class ConsoleHttpIntegrationTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static String origin;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        server = TestServer.start(
                dataDir,
                Map.of(
                        "gatehouse.ratelimit.policy.login-ip.rate",
                        "1000/1m",
                        "gatehouse.lockout.ip-account.max-failures",
                        "3"));
        origin = "http://127.0.0.1:" + server.server().port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A browser session: the cookie header value and the CSRF token. */
    private record Signed(String cookie, String csrf) {}

    private static ApiUser newUser() {
        return ApiUser.register(server, "h-" + UUID.randomUUID() + "@example.com", PASSWORD, "Hal Http");
    }

    private static HttpResponse<String> signInResponse(
            TestServer s, String originHeader, ApiUser user, String password) {
        return s.send(HttpRequest.newBuilder(s.uri("/account/api/signin"))
                .header("Content-Type", "application/json")
                .header("Origin", originHeader)
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(
                        ApiUser.json(Map.of("email", user.email, "password", password)))));
    }

    private static Signed signIn(ApiUser user) {
        HttpResponse<String> r = signInResponse(server, origin, user, PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String cookie = r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("gatehouse-console="))
                .findFirst()
                .orElseThrow()
                .split(";")[0];
        String csrf =
                TestServer.json(get("/account/api/me", cookie)).path("csrf").asText();
        return new Signed(cookie, csrf);
    }

    private static HttpResponse<String> get(String path, String cookie) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Cookie", cookie)
                .header("Sec-Fetch-Site", "same-origin")
                .GET());
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return server.send(b);
    }

    @Test
    void pagesAndAssetsSendAStrictPolicyAndAreNeverCached() {
        for (String path : new String[] {"/account/signin", "/console/console.js", "/console/console.css"}) {
            HttpResponse<String> r = server.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp)
                    .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        assertThat(server.get("/account/signin").body())
                .doesNotContain("<script>")
                .doesNotContain("style=");
        HttpResponse<String> page = server.get("/account/");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/account/signin");
        assertThat(server.get("/console/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void pathsWithoutTheSlashRedirectAndTheConsoleCanBeTurnedOff(@TempDir Path dataDir) {
        assertThat(server.get("/account").headers().firstValue("Location")).hasValue("/account/");
        assertThat(server.get("/admin").headers().firstValue("Location")).hasValue("/admin/");
        try (TestServer off = TestServer.start(dataDir, Map.of(Console.ENABLED_KEY, "false"))) {
            for (String path :
                    new String[] {"/account/", "/account/signin", "/admin/", "/console/console.js", "/account/api/me"
                    }) {
                assertThat(off.get(path).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(off.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void signingInSetsOneHttpOnlyStrictCookieAndHandsOutNoToken() {
        ApiUser user = newUser();
        HttpResponse<String> r = signInResponse(server, origin, user, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> cookies = r.headers().allValues("Set-Cookie");
        assertThat(cookies).hasSize(2);
        assertThat(cookies.get(0))
                .as("the session cookie: gone when the browser closes")
                .startsWith("gatehouse-console=")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Strict")
                .doesNotContain("Secure", "Max-Age");
        assertThat(cookies.get(1))
                .as("the device cookie (the fingerprint a trusted browser is known by)")
                .startsWith("gatehouse-device=")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=")
                .doesNotContain("Secure");
        assertThat(r.body()).doesNotContain("token").doesNotContain("eyJ");
        assertThat(server.server().gatehouse().sessions().list(user.id()))
                .singleElement()
                .satisfies(s -> assertThat(s.attributes()).containsKey(ConsoleGate.ATTRIBUTE));
    }

    @Test
    void signingOutAllOtherSessionsKeepsThisOne() {
        ApiUser user = newUser();
        Signed here = signIn(user);
        Signed elsewhere = signIn(user);
        String token = user.login("curl/8");
        HttpResponse<String> r = post(
                "/account/api/sessions/end-others",
                Map.of("Cookie", here.cookie(), "X-CSRF-Token", here.csrf(), "Origin", origin));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(r).path("sessions_ended").asInt()).isEqualTo(2);
        assertThat(get("/account/api/me", here.cookie()).statusCode()).isEqualTo(200);
        assertThat(get("/account/api/me", elsewhere.cookie()).statusCode()).isEqualTo(401);
        assertThat(user.me(token)).isEqualTo(401);
        assertThat(TestServer.json(get("/account/api/sessions", here.cookie())).path("sessions"))
                .singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
    }

    @Test
    void signingOutEndsTheGatehouseSessionAndClearsTheCookie() {
        ApiUser user = newUser();
        Signed s = signIn(user);
        HttpResponse<String> r =
                post("/account/api/signout", Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", origin));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Set-Cookie"))
                .get()
                .asString()
                .startsWith("gatehouse-console=;")
                .contains("Max-Age=0");
        assertThat(server.server().gatehouse().sessions().list(user.id())).isEmpty();
        assertThat(get("/account/api/me", s.cookie()).statusCode()).isEqualTo(401);
    }

    @Test
    void anHttpsPublicUrlGivesAHostPrefixedSecureCookie(@TempDir Path dataDir) {
        try (TestServer https =
                TestServer.start(dataDir, Map.of("gatehouse.server.public-url", "https://auth.example.com"))) {
            ApiUser user = ApiUser.register(https, "s-" + UUID.randomUUID() + "@example.com", PASSWORD, "Sec Ure");
            assertThat(signInResponse(https, "http://auth.example.com", user, PASSWORD)
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> r = signInResponse(https, "https://auth.example.com", user, PASSWORD);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Set-Cookie"))
                    .get()
                    .asString()
                    .startsWith("__Host-gatehouse-console=")
                    .contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "; Secure")
                    .doesNotContain("Domain=");
        }
    }

    @Test
    void aForeignOriginOrAMissingCsrfTokenChangesNothing() {
        ApiUser user = newUser();
        Signed s = signIn(user);
        String endAll = "/account/api/sessions/end-all";
        Map<String, Map<String, String>> refused = Map.of(
                "foreign Origin",
                        Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", "http://evil.example"),
                "cross-site fetch",
                        Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Sec-Fetch-Site", "cross-site"),
                "same-site but other origin",
                        Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Sec-Fetch-Site", "same-site"),
                "no CSRF token", Map.of("Cookie", s.cookie(), "Origin", origin),
                "wrong CSRF token", Map.of("Cookie", s.cookie(), "Origin", origin, "X-CSRF-Token", s.csrf() + "x"),
                "neither Origin nor Sec-Fetch-Site", Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf()));
        refused.forEach((what, headers) ->
                assertThat(post(endAll, headers).statusCode()).as(what).isEqualTo(403));
        assertThat(server.server().gatehouse().sessions().list(user.id())).hasSize(1);
        assertThat(get("/account/api/me", s.cookie()).statusCode()).isEqualTo(200);

        HttpResponse<String> ok =
                post(endAll, Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", origin));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(server.server().gatehouse().sessions().list(user.id())).isEmpty();
        assertThat(get("/account/api/me", s.cookie()).statusCode()).isEqualTo(401);
    }

    @Test
    void theCookieIsNoBearerTokenAndTokensAreNoCookie() {
        ApiUser user = newUser();
        Signed s = signIn(user);
        String cookieValue = s.cookie().substring(s.cookie().indexOf('=') + 1);
        String sessionId = cookieValue.substring(0, cookieValue.indexOf('~'));
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                                .header("Authorization", "Bearer " + cookieValue)
                                .GET())
                        .statusCode())
                .isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                                .header("Authorization", "Bearer " + sessionId)
                                .GET())
                        .statusCode())
                .isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                                .header("Cookie", s.cookie())
                                .GET())
                        .statusCode())
                .isEqualTo(401);

        String token = user.login("curl/8");
        assertThat(user.me(token)).isEqualTo(200);
        assertThat(get("/account/api/me", "gatehouse-console=" + token).statusCode())
                .isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/account/api/me"))
                                .header("Sec-Fetch-Site", "same-origin")
                                .header("Authorization", "Bearer " + token)
                                .GET())
                        .statusCode())
                .isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/account/"))
                                .header("Authorization", "Bearer " + token)
                                .GET())
                        .statusCode())
                .isEqualTo(303);
        // An API session's handle (its id is never listed) with a made-up secret: a handle is not an id.
        String apiSession = server.server().gatehouse().sessions().list(user.id()).stream()
                .filter(x -> !x.attributes().containsKey(ConsoleGate.ATTRIBUTE))
                .findFirst()
                .orElseThrow()
                .handle();
        assertThat(get("/account/api/me", "gatehouse-console=" + apiSession + "~" + "A".repeat(43))
                        .statusCode())
                .isEqualTo(401);
        assertThat(get("/account/api/me", "gatehouse-console=" + sessionId + "~" + "A".repeat(43))
                        .statusCode())
                .isEqualTo(401);
        assertThat(get("/account/api/me", s.cookie()).statusCode()).isEqualTo(200);
    }

    @Test
    void theActivityShowsFailedSignInsOfTheAccountButNotOfOthers() {
        ApiUser user = newUser();
        ApiUser other = newUser();
        assertThat(signInResponse(server, origin, user, "wrong password").statusCode())
                .isEqualTo(401);
        assertThat(signInResponse(server, origin, other, "wrong password").statusCode())
                .isEqualTo(401);
        Signed s = signIn(user);
        var events = TestServer.json(get("/account/api/activity", s.cookie())).path("events");
        List<String> failures = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("type").asText().equals("login_failure")) {
                failures.add(e.path("details").path("account").asText());
            }
        });
        assertThat(failures).containsExactly(user.email.toLowerCase());
        assertThat(events.get(0).path("type").asText()).as("newest first").isEqualTo("login_success");
    }

    @Test
    void signingInThroughTheConsoleIsTheApiLoginWithItsLockout() {
        ApiUser user = newUser();
        for (int i = 0; i < 3; i++) {
            assertThat(signInResponse(server, origin, user, "wrong password").statusCode())
                    .isEqualTo(401);
        }
        HttpResponse<String> locked = signInResponse(server, origin, user, PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(user.loginResponse(PASSWORD, "curl/8").statusCode())
                .as("the API sees the same lockout")
                .isEqualTo(429);
    }
}
