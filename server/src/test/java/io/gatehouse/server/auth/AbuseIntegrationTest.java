package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an attacker can do to others' accounts and to the server's capacity through the auth routes, on the
 * in-memory store and on Redis. Client addresses are simulated with {@code X-Forwarded-For} from a trusted
 * proxy (the test client on 127.0.0.1), which is itself one of the properties checked.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class AbuseIntegrationTest {
    private static final String ATTACKER = "203.0.113.9";
    private static final String OWNER = "198.51.100.7";

    @Parameter
    AuthClient.Store store;

    @TempDir
    Path dataDir;

    private AuthClient start(Map<String, String> settings) {
        Map<String, String> c = new HashMap<>(settings);
        c.putIfAbsent("gatehouse.server.trusted-proxies", "127.0.0.1/32, ::1/128");
        return AuthClient.startFresh(store, dataDir, c);
    }

    private static HttpResponse<String> login(
            AuthClient api, String from, String email, String password, String device) {
        String deviceJson = device == null ? "" : ",\"device\":{\"fingerprint\":\"" + device + "\"}";
        return api.server.send(HttpRequest.newBuilder(api.server.uri("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", from)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"" + deviceJson + "}")));
    }

    @Test
    void wrongPasswordsFromAnotherAddressDoNotLockOutTheOwner() {
        try (AuthClient api = start(Map.of(
                "gatehouse.ratelimit.policy.login-account.rate",
                "3/1h",
                "gatehouse.lockout.ip-account.max-failures",
                "5"))) {
            String email = api.registerUser();
            assertThat(login(api, OWNER, email, AuthClient.PASSWORD, "owner-phone")
                            .statusCode())
                    .isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                Problems.assertProblem(login(api, ATTACKER, email, "guess number " + i, null), 401);
            }
            // The account's failure budget is spent: guesses from anywhere unknown stop before the password check.
            Problems.assertProblem(login(api, ATTACKER, email, "guess number 4", null), 429);
            Problems.assertProblem(login(api, ATTACKER, email, AuthClient.PASSWORD, null), 429);
            // The owner, from a device the account knows, still logs in, again and again.
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> owner = login(api, OWNER, email, AuthClient.PASSWORD, "owner-phone");
                assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void successfulLoginsSpendNoAccountBudget() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.login-account.rate", "2/1h"))) {
            String email = api.registerUser();
            // A phone, a laptop and three tabs within a minute.
            for (String device : new String[] {"phone", "laptop", "tab-1", "tab-2", "tab-3"}) {
                HttpResponse<String> r = login(api, OWNER, email, AuthClient.PASSWORD, device);
                assertThat(r.statusCode()).as(device + ": " + r.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void forwardedForIsReadOnlyFromTrustedProxies() {
        String email;
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.login-ip.rate", "1/1h"))) {
            email = api.registerUser();
            assertThat(login(api, "192.0.2.1", email, AuthClient.PASSWORD, null).statusCode())
                    .isEqualTo(200);
            assertThat(login(api, "192.0.2.2", email, AuthClient.PASSWORD, null).statusCode())
                    .as("another client behind the trusted proxy has its own budget")
                    .isEqualTo(200);
            // Forwarded (RFC 7239) is read too, and wins over X-Forwarded-For.
            HttpResponse<String> rfc7239 = api.server.send(HttpRequest.newBuilder(api.server.uri("/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .header("Forwarded", "for=\"192.0.2.3:4711\";proto=https")
                    .header("X-Forwarded-For", "192.0.2.1")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}")));
            assertThat(rfc7239.statusCode()).isEqualTo(200);
            // A client-written hop left of the proxy's is not believed: the proxy vouched for 192.0.2.1 only.
            assertThat(login(api, "192.0.2.99, 192.0.2.1", email, AuthClient.PASSWORD, null)
                            .statusCode())
                    .isEqualTo(429);
        }
        try (AuthClient api = AuthClient.startFresh(
                store, dataDir.resolve("untrusted"), Map.of("gatehouse.ratelimit.policy.login-ip.rate", "1/1h"))) {
            String other = api.registerUser();
            assertThat(login(api, "192.0.2.1", other, AuthClient.PASSWORD, null).statusCode())
                    .isEqualTo(200);
            assertThat(login(api, "192.0.2.2", other, AuthClient.PASSWORD, null).statusCode())
                    .as("without trusted proxies the header is ignored: both count as 127.0.0.1")
                    .isEqualTo(429);
        }
    }

    @Test
    void ipv6AddressesShareA64Limit() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.login-ip.rate", "1/1h"))) {
            String email = api.registerUser();
            assertThat(login(api, "2001:db8:1:2::1", email, AuthClient.PASSWORD, null)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(login(api, "2001:db8:1:2:ffff:ffff:ffff:ffff", email, AuthClient.PASSWORD, null)
                            .statusCode())
                    .as("same /64")
                    .isEqualTo(429);
            assertThat(login(api, "2001:db8:1:3::1", email, AuthClient.PASSWORD, null)
                            .statusCode())
                    .as("the next /64")
                    .isEqualTo(200);
        }
    }

    @Test
    void passwordChangeGuessesAreLockedOut() {
        try (AuthClient api = start(
                Map.of("gatehouse.lockout.ip-account.max-failures", "3", "gatehouse.lockout.wait-increment", "5m"))) {
            String email = api.registerUser();
            String access = api.login(email).path("access_token").asText();
            for (int i = 0; i < 3; i++) {
                Problems.assertProblem(
                        api.postJson(
                                "/api/v1/me/password",
                                "{\"current_password\":\"guess " + i
                                        + "\",\"new_password\":\"a brand new passphrase\"}",
                                access),
                        400);
            }
            HttpResponse<String> locked = api.postJson(
                    "/api/v1/me/password",
                    "{\"current_password\":\"" + AuthClient.PASSWORD
                            + "\",\"new_password\":\"a brand new passphrase\"}",
                    access);
            Problems.assertProblem(locked, 429);
            assertThat(locked.headers().firstValue("Retry-After")).isPresent();
            // They counted as login failures of the account, from this address.
            Problems.assertProblem(
                    api.postJson(
                            "/api/v1/auth/login",
                            "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                            null),
                    429);
        }
    }

    @Test
    void authenticatedRoutesAreLimitedPerUser() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.api-user.rate", "2/1h"))) {
            String access = api.login(api.registerUser()).path("access_token").asText();
            assertThat(api.get("/api/v1/me", access).statusCode()).isEqualTo(200);
            assertThat(api.get("/api/v1/sessions", access).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = api.get("/api/v1/me", access);
            JsonNode p = Problems.assertProblem(limited, 429);
            assertThat(p.path("policy").asText()).isEqualTo("api-user");
            // Another user has their own allowance.
            assertThat(api.get(
                                    "/api/v1/me",
                                    api.login(api.registerUser())
                                            .path("access_token")
                                            .asText())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void failedClientAuthenticationIsLockedOutPerClientAndAddress() {
        Map<String, String> c = new HashMap<>(OAuthIntegrationTest.clients());
        c.put("gatehouse.lockout.ip-account.max-failures", "3");
        try (AuthClient api = start(c)) {
            ClientCredentials wrong = new ClientCredentials(OAuthIntegrationTest.GATEWAY.id(), "not the secret");
            for (int i = 0; i < 3; i++) {
                Problems.assertOAuthError(
                        api.form("/oauth2/introspect", Map.of("token", "x"), wrong.toBasicHeader()),
                        401,
                        "invalid_client");
            }
            HttpResponse<String> locked =
                    api.form("/oauth2/introspect", Map.of("token", "x"), OAuthIntegrationTest.GATEWAY.toBasicHeader());
            assertThat(locked.statusCode()).as(locked.body()).isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).isPresent();
            // Another client is not affected.
            assertThat(api.form("/oauth2/introspect", Map.of("token", "x"), OAuthIntegrationTest.ODD.toBasicHeader())
                            .statusCode())
                    .isEqualTo(200);
        }
    }
}
