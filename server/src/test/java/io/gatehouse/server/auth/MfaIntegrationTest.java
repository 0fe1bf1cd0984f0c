package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second factor over real HTTP: enrolment, login with a code, replay refused on a second server instance
 * (sharing Redis and the user database), recovery codes once, five wrong codes lock the challenge, trusted
 * devices skip the factor until their trust expires, the password grant's error, amr and auth_time in tokens
 * and introspection, and step-up (an old authentication cannot change the password until reauthenticate).
 * Codes are computed from the enrolment's secret; each user's codes go forward one time step at a time, within
 * the drift window of 3 steps configured here, so no test waits for the clock.
 */
class MfaIntegrationTest {
    private static final ClientCredentials GATEWAY = new ClientCredentials("gateway", ClientRegistry.generateSecret());

    @TempDir
    Path dataDir;

    private static Map<String, String> config(Map<String, String> more) {
        Map<String, String> c = new HashMap<>(more);
        c.put("gatehouse.mfa.window", "3");
        c.put("gatehouse.server.clients", "gateway");
        c.put("gatehouse.server.client.gateway.secret-hash", ClientRegistry.hashSecret(GATEWAY.secret()));
        c.put("gatehouse.server.client.gateway.scopes", "introspect");
        return c;
    }

    /** A user with TOTP on, and the means to make its next codes. */
    private static final class Enrolled {
        final String email;
        final byte[] secret;
        final List<String> recoveryCodes;
        long lastStep;

        Enrolled(String email, byte[] secret, List<String> recoveryCodes, long lastStep) {
            this.email = email;
            this.secret = secret;
            this.recoveryCodes = recoveryCodes;
            this.lastStep = lastStep;
        }

        /** A code of a later time step than any used so far (never a replay), within the window. */
        String nextCode() {
            long step = Math.max(lastStep + 1, step(Instant.now()));
            lastStep = step;
            return code(secret, step);
        }
    }

    /** A problem of type {@code urn:gatehouse:problem:<type>}. */
    private static JsonNode problem(HttpResponse<String> r, int status, String type) {
        JsonNode p = Problems.assertProblem(r, status);
        assertThat(p.get("type").asText()).isEqualTo("urn:gatehouse:problem:" + type);
        return p;
    }

    private static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 30);
    }

    private static String code(byte[] secret, long step) {
        try {
            TimeBasedOneTimePasswordGenerator g = new TimeBasedOneTimePasswordGenerator();
            return g.generateOneTimePasswordString(
                    new SecretKeySpec(secret, g.getAlgorithm()), Instant.ofEpochSecond(step * 30));
        } catch (java.security.InvalidKeyException e) {
            throw new AssertionError(e);
        }
    }

    private static Enrolled enrol(AuthClient api) {
        String email = api.registerUser();
        String access = api.login(email).get("access_token").asText();
        HttpResponse<String> started = api.post("/api/v1/me/mfa/totp", access);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode e = TestServer.json(started);
        assertThat(e.get("otpauth_uri").asText()).startsWith("otpauth://totp/Gatehouse:");
        assertThat(e.get("qr_svg").asText()).startsWith("<svg").contains("<path");
        byte[] secret = new Base32().decode(e.get("secret").asText());
        long step = step(Instant.now());
        HttpResponse<String> confirmed =
                api.postJson("/api/v1/me/mfa/totp/confirm", "{\"code\":\"" + code(secret, step) + "\"}", access);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        List<String> codes = new java.util.ArrayList<>();
        TestServer.json(confirmed).get("recovery_codes").forEach(n -> codes.add(n.asText()));
        assertThat(codes).hasSize(10);
        return new Enrolled(email, secret, codes, step);
    }

    private static HttpResponse<String> login(AuthClient api, String email, String fingerprint) {
        String device = fingerprint == null ? "" : ",\"device\":{\"fingerprint\":\"" + fingerprint + "\"}";
        return api.postJson(
                "/api/v1/auth/login",
                "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"" + device + "}",
                null);
    }

    /** A login that must answer mfa-required: its challenge. */
    private static String challenge(AuthClient api, String email, String fingerprint) {
        HttpResponse<String> r = login(api, email, fingerprint);
        problem(r, 401, "mfa-required");
        JsonNode p = TestServer.json(r);
        assertThat(p.get("expires_in").asLong()).isEqualTo(300);
        assertThat(p.has("access_token")).isFalse();
        return p.get("mfa_challenge").asText();
    }

    private static HttpResponse<String> complete(AuthClient api, String challenge, String field, String code) {
        return api.postJson(
                "/api/v1/auth/login/mfa",
                "{\"mfa_challenge\":\"" + challenge + "\",\"" + field + "\":\"" + code + "\"}",
                null);
    }

    @Test
    void loginWithACodeCarriesAmrAndAuthTimeAndIntrospectionSaysSo() {
        try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config(Map.of()))) {
            Enrolled ann = enrol(api);
            String challenge = challenge(api, ann.email, null);
            HttpResponse<String> done = complete(api, challenge, "code", ann.nextCode());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            String access = TestServer.json(done).get("access_token").asText();
            JsonNode claims = JwtParts.claims(access);
            assertThat(claims.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\"]");
            assertThat(claims.get("auth_time").asLong())
                    .isBetween(
                            Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
            // The challenge was used: the same challenge with the next code is refused.
            problem(complete(api, challenge, "code", ann.nextCode()), 401, "invalid-mfa-challenge");

            JsonNode introspected =
                    TestServer.json(api.form("/oauth2/introspect", Map.of("token", access), GATEWAY.toBasicHeader()));
            assertThat(introspected.get("active").asBoolean()).isTrue();
            assertThat(introspected.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\"]");
            assertThat(introspected.get("auth_time").asLong())
                    .isEqualTo(claims.get("auth_time").asLong());

            JsonNode state = TestServer.json(api.get("/api/v1/me/mfa", access));
            assertThat(state.get("totp").asBoolean()).isTrue();
            assertThat(state.get("recovery_codes_left").asInt()).isEqualTo(10);

            // The password grant cannot carry a second factor: a documented error, no tokens.
            HttpResponse<String> grant = api.form(
                    "/oauth2/token",
                    Map.of("grant_type", "password", "username", ann.email, "password", AuthClient.PASSWORD),
                    GATEWAY.toBasicHeader());
            Problems.assertOAuthError(grant, 400, "mfa_required");
        }
    }

    @Test
    void aCodeUsedOnOneInstanceIsRefusedOnTheOther() throws Exception {
        Map<String, String> shared =
                config(Map.of("gatehouse.db.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
        try (AuthClient a =
                        AuthClient.start(AuthClient.Store.REDIS, Files.createDirectory(dataDir.resolve("a")), shared);
                AuthClient b =
                        AuthClient.start(AuthClient.Store.REDIS, Files.createDirectory(dataDir.resolve("b")), shared)) {
            Enrolled ann = enrol(a);
            String code = ann.nextCode();
            HttpResponse<String> first = complete(a, challenge(a, ann.email, null), "code", code);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

            HttpResponse<String> replayed = complete(b, challenge(b, ann.email, null), "code", code);
            problem(replayed, 401, "invalid-mfa-code");
            assertThat(TestServer.json(replayed).get("remaining_attempts").asInt())
                    .isEqualTo(4);
        }
    }

    @Test
    void aRecoveryCodeWorksOnce() {
        try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config(Map.of()))) {
            Enrolled ann = enrol(api);
            String recovery = ann.recoveryCodes.get(3);
            HttpResponse<String> used = complete(api, challenge(api, ann.email, null), "recovery_code", recovery);
            assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
            assertThat(JwtParts.claims(TestServer.json(used).get("access_token").asText())
                            .get("amr")
                            .toString())
                    .isEqualTo("[\"pwd\",\"mfa\"]");
            problem(complete(api, challenge(api, ann.email, null), "recovery_code", recovery), 401, "invalid-mfa-code");
        }
    }

    @Test
    void fiveWrongCodesLockTheChallenge() {
        try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config(Map.of()))) {
            Enrolled ann = enrol(api);
            String challenge = challenge(api, ann.email, null);
            String right = ann.nextCode();
            String wrong = right.equals("000000") ? "111111" : "000000";
            for (int remaining = 4; remaining >= 1; remaining--) {
                HttpResponse<String> r = complete(api, challenge, "code", wrong);
                problem(r, 401, "invalid-mfa-code");
                assertThat(TestServer.json(r).get("remaining_attempts").asInt()).isEqualTo(remaining);
            }
            problem(complete(api, challenge, "code", wrong), 401, "invalid-mfa-challenge");
            problem(complete(api, challenge, "code", right), 401, "invalid-mfa-challenge");
            // A new login (password again) gets a new challenge, which the right code completes.
            assertThat(complete(api, challenge(api, ann.email, null), "code", right)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aTrustedDeviceSkipsTheFactorUntilItsTrustExpires() {
        try (AuthClient api = AuthClient.start(
                AuthClient.Store.MEMORY, dataDir, config(Map.of("gatehouse.sessions.trusted-device-ttl", "2s")))) {
            Enrolled ann = enrol(api);
            String laptop = "fp-laptop-" + UUID.randomUUID();
            HttpResponse<String> trusted = api.postJson(
                    "/api/v1/auth/login/mfa",
                    "{\"mfa_challenge\":\"" + challenge(api, ann.email, laptop) + "\",\"code\":\"" + ann.nextCode()
                            + "\",\"trust_device\":true}",
                    null);
            assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(200);
            assertThat(TestServer.json(trusted).has("trusted_until")).isTrue();

            HttpResponse<String> skipped = login(api, ann.email, laptop);
            assertThat(skipped.statusCode()).as(skipped.body()).isEqualTo(200);
            assertThat(JwtParts.claims(
                                    TestServer.json(skipped).get("access_token").asText())
                            .get("amr")
                            .toString())
                    .isEqualTo("[\"pwd\"]");
            challenge(api, ann.email, "fp-phone-" + UUID.randomUUID());
            challenge(api, ann.email, null);

            // Trust expires: the laptop is asked for the factor again.
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> login(api, ann.email, laptop).statusCode() == 401);
            challenge(api, ann.email, laptop);
        }
    }

    @Test
    void anOldAuthenticationCannotChangeThePasswordUntilReauthentication() {
        try (AuthClient api = AuthClient.start(
                AuthClient.Store.MEMORY, dataDir, config(Map.of("gatehouse.auth.recent-auth", "2s")))) {
            String email = api.registerUser();
            String access = api.login(email).get("access_token").asText();
            // While recent, the step-up check passes (and the empty body is what is refused).
            problem(api.postJson("/api/v1/me/password", "{}", access), 400, "validation");

            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() ->
                            api.postJson("/api/v1/me/password", "{}", access).statusCode() == 401);
            String change = "{\"current_password\":\"" + AuthClient.PASSWORD
                    + "\",\"new_password\":\"another correct horse battery\"}";
            HttpResponse<String> refused = api.postJson("/api/v1/me/password", change, access);
            problem(refused, 401, "insufficient-user-authentication");
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer ")
                    .contains("error=\"insufficient_user_authentication\"", "max_age=2");

            problem(
                    api.postJson("/api/v1/auth/reauthenticate", "{\"password\":\"wrong password\"}", access),
                    401,
                    "invalid-credentials");
            HttpResponse<String> again = api.postJson(
                    "/api/v1/auth/reauthenticate", "{\"password\":\"" + AuthClient.PASSWORD + "\"}", access);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            String fresh = TestServer.json(again).get("access_token").asText();
            assertThat(api.get("/api/v1/me", access).statusCode())
                    .as("the old pair is retired")
                    .isEqualTo(401);

            HttpResponse<String> changed = api.postJson("/api/v1/me/password", change, fresh);
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        }
    }

    @Test
    void disablingNeedsARecentLoginAndThePasswordOrACode() {
        try (AuthClient api = AuthClient.start(AuthClient.Store.MEMORY, dataDir, config(Map.of()))) {
            Enrolled ann = enrol(api);
            HttpResponse<String> in = complete(api, challenge(api, ann.email, null), "code", ann.nextCode());
            String access = TestServer.json(in).get("access_token").asText();
            problem(
                    api.server.send(java.net.http.HttpRequest.newBuilder(api.server.uri("/api/v1/me/mfa/totp"))
                            .header("Authorization", "Bearer " + access)
                            .header("Content-Type", "application/json")
                            .method(
                                    "DELETE",
                                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"wrong\"}"))),
                    400,
                    "validation");
            HttpResponse<String> off =
                    api.server.send(java.net.http.HttpRequest.newBuilder(api.server.uri("/api/v1/me/mfa/totp"))
                            .header("Authorization", "Bearer " + access)
                            .header("Content-Type", "application/json")
                            .method(
                                    "DELETE",
                                    java.net.http.HttpRequest.BodyPublishers.ofString(
                                            "{\"code\":\"" + ann.nextCode() + "\"}")));
            assertThat(off.statusCode()).as(off.body()).isEqualTo(204);
            assertThat(login(api, ann.email, null).statusCode()).isEqualTo(200);
        }
    }
}
