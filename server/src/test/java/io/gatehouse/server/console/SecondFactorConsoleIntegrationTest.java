package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.account.Actor;
import io.gatehouse.server.http.CapturedLog;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testing.MutableClock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second factor in the web console over HTTP (as the pages call it), with an injected clock: sign-in with a
 * code, a recovery code or from a trusted browser; the account page's settings (enrol, confirm, new recovery codes,
 * turn off); step-up for sensitive console actions (password, trust, second factor, admin changes) and
 * reauthentication; {@code POST /api/v1/auth/reauthenticate} and the console's reauthentication honouring
 * {@code gatehouse.users.require-verified-email}. After each test the log of the whole process (as the production
 * encoder writes it) is scanned for every secret, TOTP code, recovery code, challenge, cookie and token the test saw.
 */
class SecondFactorConsoleIntegrationTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "staple gun orbit lantern";

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final List<String> secrets = new ArrayList<>(List.of(PASSWORD, NEW_PASSWORD));
    /** TOTP codes: six digits, looked for as a whole number (not inside a longer one). */
    private final List<String> codes = new ArrayList<>();

    private CapturedLog log;
    private TestServer server;
    private String origin;

    @BeforeEach
    void attach() {
        log = CapturedLog.attach();
    }

    @AfterEach
    void stopAndScanTheLog() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            log.close();
        }
        // TOTP codes are six digits: looked for as a whole number, not inside a longer one.
        log.assertNoneCarries(
                secrets,
                codes.stream()
                        .map(c -> Pattern.compile("(?<![0-9])" + c + "(?![0-9])"))
                        .toList());
    }

    private void start(Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(extra);
        c.put("gatehouse.ratelimit.policy.login-ip.rate", "1000/1m");
        c.put("gatehouse.ratelimit.policy.register-ip.rate", "1000/1m");
        // Each user's codes go forward one time step at a time: a window of 3 steps, so no test waits for the clock.
        c.put("gatehouse.mfa.window", "3");
        // The wrong codes of the sign-in test count toward the lockout; it is not what these tests are about.
        c.put("gatehouse.lockout.ip-account.max-failures", "50");
        server = TestServer.start(dataDir, c, clock);
        origin = "http://127.0.0.1:" + server.server().port();
    }

    // ---- a browser: its cookies, as the console's pages send them ----

    private final class Jar {
        final Map<String, String> cookies = new LinkedHashMap<>();
        String csrf = "";

        HttpResponse<String> post(String path, Object body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path))
                    .header("Content-Type", "application/json")
                    .header("Origin", origin)
                    .header("Sec-Fetch-Site", "same-origin")
                    .header("X-CSRF-Token", csrf)
                    .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : ApiUser.json(body)));
            return keep(server.send(withCookies(b)));
        }

        HttpResponse<String> get(String path) {
            return keep(server.send(
                    withCookies(HttpRequest.newBuilder(server.uri(path)).header("Sec-Fetch-Site", "same-origin"))));
        }

        private HttpRequest.Builder withCookies(HttpRequest.Builder b) {
            if (!cookies.isEmpty()) {
                StringBuilder h = new StringBuilder();
                cookies.forEach((k, v) ->
                        h.append(h.isEmpty() ? "" : "; ").append(k).append('=').append(v));
                b.header("Cookie", h.toString());
            }
            return b;
        }

        private HttpResponse<String> keep(HttpResponse<String> r) {
            for (String set : r.headers().allValues("Set-Cookie")) {
                String pair = set.split(";")[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                    secrets.add(value);
                }
            }
            return r;
        }

        /** Reads the CSRF token as the page does, once signed in. */
        Jar signedIn() {
            HttpResponse<String> me = get("/account/api/me");
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            csrf = TestServer.json(me).path("csrf").asText();
            return this;
        }

        HttpResponse<String> signIn(String email) {
            return post("/account/api/signin", Map.of("email", email, "password", PASSWORD));
        }
    }

    /** A console user with TOTP on, and its authenticator app. */
    private record Enrolled(String email, TotpCodes app, List<String> recovery) {
        String nextCode() {
            return app.next();
        }

        String peekCode() {
            return app.peek();
        }

        String wrong(int n) {
            return app.wrong(n);
        }
    }

    private String newEmail() {
        String email = "m-" + UUID.randomUUID() + "@example.com";
        ApiUser.register(server, email, PASSWORD, "Mia Mfa");
        return email;
    }

    private Jar signedIn(String email) {
        Jar jar = new Jar();
        HttpResponse<String> r = jar.signIn(email);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return jar.signedIn();
    }

    /** Enrols on the account page: the QR code and key, then the first code; the recovery codes shown once. */
    private Enrolled enrol(Jar jar, String email) {
        HttpResponse<String> started = jar.post("/account/api/mfa/totp", null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode e = TestServer.json(started);
        assertThat(e.path("qr_svg").asText()).startsWith("<svg").contains("<path");
        assertThat(e.path("otpauth_uri").asText()).startsWith("otpauth://totp/");
        secrets.add(e.path("secret").asText());
        secrets.add(e.path("otpauth_uri").asText());
        Enrolled u = new Enrolled(email, new TotpCodes(e.path("secret").asText(), clock, codes), new ArrayList<>());
        HttpResponse<String> confirmed = jar.post("/account/api/mfa/totp/confirm", Map.of("code", u.nextCode()));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        TestServer.json(confirmed).path("recovery_codes").forEach(n -> u.recovery.add(n.asText()));
        assertThat(u.recovery).hasSize(10);
        secrets.addAll(u.recovery);
        JsonNode state = TestServer.json(jar.get("/account/api/mfa"));
        assertThat(state.path("totp").asBoolean()).isTrue();
        assertThat(state.path("recovery_codes_left").asInt()).isEqualTo(10);
        return u;
    }

    /** A console sign-in that must ask for the second factor: its challenge. */
    private String challenge(Jar jar, String email) {
        HttpResponse<String> r = jar.signIn(email);
        assertProblem(r, 401, "mfa-required");
        assertThat(jar.cookies).as("no session cookie before the second factor").doesNotContainKey("gatehouse-console");
        String challenge = TestServer.json(r).path("mfa_challenge").asText();
        secrets.add(challenge);
        return challenge;
    }

    private static JsonNode assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode p = TestServer.json(r);
        assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:" + type);
        return p;
    }

    private static Map<String, Object> second(String challenge, String field, String value, boolean trust) {
        return Map.of("mfa_challenge", challenge, field, value, "trust_device", trust);
    }

    // ---- sign-in ----

    @Test
    void aTotpUserSignsInToTheConsoleWithACodeOrARecoveryCodeAndMayTrustTheBrowser() {
        start(Map.of());
        String email = newEmail();
        Enrolled u = enrol(signedIn(email), email);

        // A code: wrong first (counts, says how many are left), then right.
        Jar laptop = new Jar();
        String c1 = challenge(laptop, email);
        String wrong = u.wrong(0);
        assertThat(assertProblem(
                                laptop.post("/account/api/signin/mfa", second(c1, "code", wrong, false)),
                                401,
                                "invalid-mfa-code")
                        .path("remaining_attempts")
                        .asInt())
                .isEqualTo(4);
        String code = u.nextCode();
        HttpResponse<String> ok = laptop.post("/account/api/signin/mfa", second(c1, "code", code, false));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(laptop.signedIn().cookies).containsKey("gatehouse-console");
        assertThat(laptop.post("/account/api/signin/mfa", second(c1, "code", u.peekCode(), false))
                        .statusCode())
                .as("the challenge is used up")
                .isEqualTo(401);

        // The same code again (another browser, a fresh challenge) is a replay.
        Jar other = new Jar();
        assertProblem(
                other.post("/account/api/signin/mfa", second(challenge(other, email), "code", code, false)),
                401,
                "invalid-mfa-code");

        // A recovery code works once.
        Jar phone = new Jar();
        assertThat(phone.post(
                                "/account/api/signin/mfa",
                                second(challenge(phone, email), "recovery_code", u.recovery.get(0), false))
                        .statusCode())
                .isEqualTo(200);
        Jar tablet = new Jar();
        assertProblem(
                tablet.post(
                        "/account/api/signin/mfa",
                        second(challenge(tablet, email), "recovery_code", u.recovery.get(0), false)),
                401,
                "invalid-mfa-code");

        // Five wrong codes lock the challenge.
        Jar thief = new Jar();
        String c5 = challenge(thief, email);
        for (int i = 1; i <= 4; i++) {
            assertProblem(
                    thief.post("/account/api/signin/mfa", second(c5, "code", u.wrong(i), false)),
                    401,
                    "invalid-mfa-code");
        }
        assertProblem(
                thief.post("/account/api/signin/mfa", second(c5, "code", u.wrong(99), false)),
                401,
                "invalid-mfa-challenge");
        assertProblem(
                thief.post("/account/api/signin/mfa", second(c5, "code", u.peekCode(), false)),
                401,
                "invalid-mfa-challenge");

        // Trust this browser: its next sign-in skips the code; a browser without its device cookie does not.
        Jar trusted = new Jar();
        HttpResponse<String> t =
                trusted.post("/account/api/signin/mfa", second(challenge(trusted, email), "code", u.nextCode(), true));
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        assertThat(TestServer.json(t).path("trusted_until").asText()).isNotEmpty();
        trusted.cookies.remove("gatehouse-console");
        assertThat(trusted.signIn(email).statusCode()).as("a trusted browser").isEqualTo(200);
        challenge(new Jar(), email);
    }

    // ---- the account page's settings and step-up ----

    @Test
    void sensitiveConsoleActionsNeedARecentAuthenticationAndReauthenticationRenewsIt() {
        start(Map.of());
        String email = newEmail();
        Jar jar = signedIn(email);
        String device = TestServer.json(jar.get("/account/api/devices"))
                .path("devices")
                .get(0)
                .path("device_id")
                .asText();

        clock.advance(Duration.ofMinutes(11));
        JsonNode p = assertProblem(
                jar.post("/account/api/password", Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD)),
                401,
                "insufficient-user-authentication");
        assertThat(p.path("max_age").asLong()).isEqualTo(600);
        assertProblem(
                jar.post("/account/api/devices/" + device + "/trust", null), 401, "insufficient-user-authentication");
        assertThat(jar.get("/account/api/me").statusCode())
                .as("still signed in")
                .isEqualTo(200);

        assertProblem(
                jar.post("/account/api/reauthenticate", Map.of("password", "not the password")),
                401,
                "invalid-credentials");
        assertThat(jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD))
                        .statusCode())
                .isEqualTo(204);
        assertThat(jar.post("/account/api/devices/" + device + "/trust", null).statusCode())
                .isEqualTo(204);
        assertThat(jar.post("/account/api/password", Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theSecondFactorIsManagedOnTheAccountPageWithStepUpAndOldRecoveryCodesDie() {
        start(Map.of());
        String email = newEmail();
        Jar jar = signedIn(email);
        Enrolled u = enrol(jar, email);

        clock.advance(Duration.ofMinutes(11));
        assertProblem(jar.post("/account/api/mfa/recovery-codes", null), 401, "insufficient-user-authentication");
        assertProblem(
                jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD)), 401, "invalid-credentials");
        assertThat(jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD, "code", u.nextCode()))
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<String> fresh = jar.post("/account/api/mfa/recovery-codes", null);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        List<String> renewed = new ArrayList<>();
        TestServer.json(fresh).path("recovery_codes").forEach(n -> renewed.add(n.asText()));
        secrets.addAll(renewed);
        assertThat(renewed).hasSize(10).doesNotContainAnyElementsOf(u.recovery);

        Jar other = new Jar();
        assertProblem(
                other.post(
                        "/account/api/signin/mfa",
                        second(challenge(other, email), "recovery_code", u.recovery.get(1), false)),
                401,
                "invalid-mfa-code");
        assertThat(other.post(
                                "/account/api/signin/mfa",
                                second(challenge(other, email), "recovery_code", renewed.get(0), false))
                        .statusCode())
                .isEqualTo(200);

        // Turning it off: recent authentication, then the password or a code.
        clock.advance(Duration.ofMinutes(11));
        assertProblem(
                jar.post("/account/api/mfa/totp/disable", Map.of("password", PASSWORD)),
                401,
                "insufficient-user-authentication");
        assertThat(jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD, "code", u.nextCode()))
                        .statusCode())
                .isEqualTo(204);
        assertThat(jar.post("/account/api/mfa/totp/disable", Map.of("password", "wrong password"))
                        .statusCode())
                .isEqualTo(400);
        assertThat(jar.post("/account/api/mfa/totp/disable", Map.of("code", u.nextCode()))
                        .statusCode())
                .isEqualTo(204);
        assertThat(TestServer.json(jar.get("/account/api/mfa")).path("totp").asBoolean())
                .isFalse();
        assertThat(new Jar().signIn(email).statusCode())
                .as("no second factor any more")
                .isEqualTo(200);
    }

    @Test
    void adminChangesInTheConsoleNeedARecentAuthentication() {
        start(Map.of());
        String email = newEmail();
        String id = server.server()
                .gatehouse()
                .users()
                .findByEmail(email)
                .orElseThrow()
                .id();
        server.server().gatehouse().accounts().setRoles(id, Set.of("user", "admin"), Actor.operator("test"));
        Jar jar = signedIn(email);
        String reset = "/admin/api/rate-limits/login-account/reset?subject=someone%40example.com";
        assertThat(jar.post(reset, null).statusCode()).as("just signed in").isLessThan(300);
        clock.advance(Duration.ofMinutes(11));
        assertThat(jar.get("/admin/api/lockouts").statusCode())
                .as("reads need nothing more")
                .isEqualTo(200);
        assertProblem(jar.post(reset, null), 401, "insufficient-user-authentication");
        assertThat(jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD))
                        .statusCode())
                .isEqualTo(204);
        assertThat(jar.post(reset, null).statusCode()).isLessThan(300);
    }

    // ---- require-verified-email at reauthentication ----

    @Test
    void reauthenticationHonoursRequireVerifiedEmailLikeLogin() throws Exception {
        start(Map.of("gatehouse.users.require-verified-email", "true"));
        String email = newEmail();
        var users = server.server().gatehouse().users();
        String id = users.findByEmail(email).orElseThrow().id();
        users.markEmailVerified(id);
        HttpResponse<String> login =
                server.postJson("/api/v1/auth/login", ApiUser.json(Map.of("email", email, "password", PASSWORD)));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String access = TestServer.json(login).path("access_token").asText();
        secrets.add(access);
        secrets.add(TestServer.json(login).path("refresh_token").asText());
        Jar jar = signedIn(email);

        // The address stops being verified (an address change would do this): as login, reauthentication refuses.
        try (Connection c = server.server()
                        .gatehouse()
                        .userDatabase()
                        .orElseThrow()
                        .dataSource()
                        .getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE users SET email_verified_at = NULL WHERE id = ?")) {
            s.setString(1, id);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        assertProblem(
                server.postJson("/api/v1/auth/login", ApiUser.json(Map.of("email", email, "password", PASSWORD))),
                403,
                "email-unverified");
        assertProblem(reauthenticate(access, PASSWORD), 403, "email-unverified");
        assertProblem(reauthenticate(access, "not the password"), 401, "invalid-credentials");
        assertProblem(jar.post("/account/api/reauthenticate", Map.of("password", PASSWORD)), 403, "email-unverified");

        users.markEmailVerified(id);
        HttpResponse<String> again = reauthenticate(access, PASSWORD);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        secrets.add(TestServer.json(again).path("access_token").asText());
        secrets.add(TestServer.json(again).path("refresh_token").asText());
    }

    private HttpResponse<String> reauthenticate(String access, String password) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/reauthenticate"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + access)
                .POST(HttpRequest.BodyPublishers.ofString(ApiUser.json(Map.of("password", password)))));
    }

    // ---- the API's second-factor flows, for the log scan ----

    @Test
    void theApiSecondFactorFlowsLeaveNoSecretInTheLog() {
        start(Map.of());
        String email = newEmail();
        JsonNode first = TestServer.json(
                server.postJson("/api/v1/auth/login", ApiUser.json(Map.of("email", email, "password", PASSWORD))));
        String access = first.path("access_token").asText();
        secrets.add(access);
        secrets.add(first.path("refresh_token").asText());
        JsonNode e = TestServer.json(bearer("POST", "/api/v1/me/mfa/totp", access, null));
        secrets.add(e.path("secret").asText());
        Enrolled u = new Enrolled(email, new TotpCodes(e.path("secret").asText(), clock, codes), new ArrayList<>());
        HttpResponse<String> confirmed =
                bearer("POST", "/api/v1/me/mfa/totp/confirm", access, Map.of("code", u.nextCode()));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        TestServer.json(confirmed).path("recovery_codes").forEach(n -> u.recovery.add(n.asText()));
        secrets.addAll(u.recovery);

        String withCode = apiLogin(email, Map.of("code", u.nextCode()));
        apiLogin(email, Map.of("recovery_code", u.recovery.get(0)));
        HttpResponse<String> reauth = bearer(
                "POST", "/api/v1/auth/reauthenticate", withCode, Map.of("password", PASSWORD, "code", u.nextCode()));
        assertThat(reauth.statusCode()).as(reauth.body()).isEqualTo(200);
        String fresh = TestServer.json(reauth).path("access_token").asText();
        secrets.add(fresh);
        secrets.add(TestServer.json(reauth).path("refresh_token").asText());
        assertThat(bearer("DELETE", "/api/v1/me/mfa/totp", fresh, Map.of("code", u.nextCode()))
                        .statusCode())
                .isEqualTo(204);
    }

    /** Login, then login/mfa with {@code factor}: the access token. */
    private String apiLogin(String email, Map<String, String> factor) {
        HttpResponse<String> r =
                server.postJson("/api/v1/auth/login", ApiUser.json(Map.of("email", email, "password", PASSWORD)));
        String challenge =
                assertProblem(r, 401, "mfa-required").path("mfa_challenge").asText();
        secrets.add(challenge);
        Map<String, String> body = new HashMap<>(factor);
        body.put("mfa_challenge", challenge);
        HttpResponse<String> done = server.postJson("/api/v1/auth/login/mfa", ApiUser.json(body));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        secrets.add(TestServer.json(done).path("access_token").asText());
        secrets.add(TestServer.json(done).path("refresh_token").asText());
        return TestServer.json(done).path("access_token").asText();
    }

    private HttpResponse<String> bearer(String method, String path, String access, Object body) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + access)
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : ApiUser.json(body))));
    }
}
