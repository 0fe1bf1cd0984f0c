package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testkit.SharedRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rate limits on register, login, refresh and introspection, and the login lockout, over HTTP. Every
 * request of a test comes from 127.0.0.1, so each test starts its own server with its own limits on an
 * emptied Redis.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class RateLimitIntegrationTest {
    @Parameter
    AuthClient.Store store;

    @TempDir
    Path dataDir;

    @BeforeEach
    void emptyRedis() {
        if (store == AuthClient.Store.REDIS) {
            SharedRedis.standalone().flushAll();
        }
    }

    private AuthClient start(Map<String, String> limits) {
        return AuthClient.start(store, dataDir, limits);
    }

    @Test
    void loginIsLimitedPerIpWith429RetryAfterAndRateLimitHeaders() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.login-ip.rate", "3/1m"))) {
            String email = api.registerUser();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ok = api.postJson(
                        "/api/v1/auth/login",
                        "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                        null);
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.headers().firstValue("RateLimit"))
                        .get()
                        .asString()
                        .contains("\"login-ip\";r=" + (2 - i));
            }
            HttpResponse<String> limited = api.postJson(
                    "/api/v1/auth/login",
                    "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                    null);
            JsonNode p = Problems.assertProblem(limited, 429);
            assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:rate-limited");
            assertThat(p.path("policy").asText()).isEqualTo("login-ip");
            long retry =
                    Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retry).isBetween(1L, 60L);
            assertThat(p.path("retry_after").asLong()).isEqualTo(retry);
            assertThat(limited.headers().firstValue("RateLimit-Policy"))
                    .get()
                    .asString()
                    .contains("\"login-ip\";q=3;w=60");
            assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
            assertThat(limited.body()).doesNotContain(email).doesNotContain("127.0.0.1");
            // The OAuth password grant shares the limits.
            HttpResponse<String> grant = api.form(
                    "/oauth2/token",
                    Map.of("grant_type", "password", "username", email, "password", AuthClient.PASSWORD),
                    null);
            assertThat(grant.statusCode()).isEqualTo(429);
            assertThat(grant.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void repeatedFailuresLockTheAccountOutForThisIpEvenWithTheRightPassword() {
        Map<String, String> c = new HashMap<>();
        c.put("gatehouse.lockout.ip-account.max-failures", "3");
        c.put("gatehouse.lockout.wait-increment", "5m");
        try (AuthClient api = start(c)) {
            String email = api.registerUser();
            for (int i = 0; i < 3; i++) {
                Problems.assertProblem(
                        api.postJson(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + email + "\",\"password\":\"wrong password " + i + "\"}",
                                null),
                        401);
            }
            HttpResponse<String> locked = api.postJson(
                    "/api/v1/auth/login",
                    "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                    null);
            Problems.assertProblem(locked, 429);
            assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(240L, 300L);
            // An unknown account is locked out exactly the same way: the answer does not reveal existence.
            String ghost = "ghost-" + email;
            for (int i = 0; i < 3; i++) {
                Problems.assertProblem(
                        api.postJson(
                                "/api/v1/auth/login",
                                "{\"email\":\"" + ghost + "\",\"password\":\"wrong password\"}",
                                null),
                        401);
            }
            HttpResponse<String> ghostLocked = api.postJson(
                    "/api/v1/auth/login", "{\"email\":\"" + ghost + "\",\"password\":\"wrong password\"}", null);
            Problems.assertProblem(ghostLocked, 429);
            assertThat(ghostLocked
                            .body()
                            .replaceAll("\"request_id\":\"[^\"]+\"", "")
                            .replaceAll("\\d+", "N"))
                    .isEqualTo(locked.body()
                            .replaceAll("\"request_id\":\"[^\"]+\"", "")
                            .replaceAll("\\d+", "N"));
        }
    }

    @Test
    void registerIsLimitedPerIp() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.register-ip.rate", "2/1h"))) {
            api.registerUser();
            api.registerUser();
            HttpResponse<String> third = api.postJson(
                    "/api/v1/auth/register",
                    "{\"email\":\"third@example.com\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                    null);
            assertThat(Problems.assertProblem(third, 429).path("policy").asText())
                    .isEqualTo("register-ip");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void refreshIsLimitedPerLogin() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.refresh-family.rate", "2/1h"))) {
            JsonNode t = api.login(api.registerUser());
            String refresh = t.path("refresh_token").asText();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r =
                        api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                refresh = io.gatehouse.server.http.TestServer.json(r)
                        .path("refresh_token")
                        .asText();
            }
            HttpResponse<String> limited =
                    api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null);
            assertThat(Problems.assertProblem(limited, 429).path("policy").asText())
                    .isEqualTo("refresh-family");
            // Another login has its own budget.
            JsonNode other = api.login(api.registerUser());
            assertThat(api.postJson(
                                    "/api/v1/auth/refresh",
                                    "{\"refresh_token\":\""
                                            + other.path("refresh_token").asText() + "\"}",
                                    null)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void refreshIsLimitedPerAddressBeforeTheTokenIsRead() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.refresh-ip.rate", "3/1h"))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r =
                        api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"forged-" + i + "\"}", null);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            }
            HttpResponse<String> limited = api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"x\"}", null);
            assertThat(Problems.assertProblem(limited, 429).path("policy").asText())
                    .isEqualTo("refresh-ip");
        }
    }

    @Test
    void forgedRefreshTokensCannotThrottleTheOwner() {
        try (AuthClient api = start(Map.of("gatehouse.ratelimit.policy.refresh-family.rate", "5/1h"))) {
            JsonNode t = api.login(api.registerUser());
            String real = t.path("refresh_token").asText();
            String family = real.split("\\.")[1];
            for (int i = 0; i < 20; i++) {
                String forged = "ghr1." + family + "." + "A".repeat(42) + (char) ('A' + i);
                HttpResponse<String> r =
                        api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + forged + "\"}", null);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            }
            HttpResponse<String> owner =
                    api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + real + "\"}", null);
            assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
        }
    }

    @Test
    void forgedRefreshTokensWithHostileClaimsAreA401NeverA500() throws Exception {
        try (AuthClient api = start(Map.of())) {
            String access = api.login(api.registerUser()).path("access_token").asText();
            com.nimbusds.jwt.SignedJWT real = com.nimbusds.jwt.SignedJWT.parse(access);
            com.nimbusds.jose.JWSSigner stranger = new com.nimbusds.jose.crypto.ECDSASigner(
                    new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate());
            java.util.List<String> forged = new java.util.ArrayList<>();
            for (String[] claim : new String[][] {{"fam", "a{b"}, {"sub", "a{b"}, {"sid", "a b"}, {"jti", "}"}}) {
                com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder(real.getJWTClaimsSet())
                        .claim("token_use", "refresh")
                        .claim(claim[0], claim[1])
                        .build();
                com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                        new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                                .type(new com.nimbusds.jose.JOSEObjectType("refresh+jwt"))
                                .keyID(real.getHeader().getKeyID())
                                .build(),
                        claims);
                jwt.sign(stranger);
                forged.add(jwt.serialize());
            }
            forged.add("ghr1.{{{{{{{{{{{{{{{{{{{{{{." + "A".repeat(43));
            forged.add("ghr1." + "\\u00e9".repeat(3));
            for (String token : forged) {
                HttpResponse<String> r =
                        api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + token + "\"}", null);
                assertThat(r.statusCode()).as(token + " " + r.body()).isEqualTo(401);
                HttpResponse<String> o =
                        api.form("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", token), null);
                assertThat(o.statusCode()).as(token + " " + o.body()).isIn(400, 401);
                assertThat(o.body()).contains("invalid_grant");
            }
        }
    }

    @Test
    void introspectionIsLimitedPerClient() {
        Map<String, String> c = new HashMap<>(OAuthIntegrationTest.clients());
        c.put("gatehouse.ratelimit.policy.introspect-client.rate", "2/1h");
        try (AuthClient api = start(c)) {
            String access = api.login(api.registerUser()).path("access_token").asText();
            for (int i = 0; i < 2; i++) {
                assertThat(api.form(
                                        "/oauth2/introspect",
                                        Map.of("token", access),
                                        OAuthIntegrationTest.GATEWAY.toBasicHeader())
                                .statusCode())
                        .isEqualTo(200);
            }
            HttpResponse<String> limited = api.form(
                    "/oauth2/introspect", Map.of("token", access), OAuthIntegrationTest.GATEWAY.toBasicHeader());
            assertThat(Problems.assertProblem(limited, 429).path("policy").asText())
                    .isEqualTo("introspect-client");
            // Another client is not affected.
            assertThat(api.form("/oauth2/introspect", Map.of("token", access), OAuthIntegrationTest.ODD.toBasicHeader())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aRefusingPerUserSessionLimitIs409OnTheApiAndInvalidGrantOnTheTokenEndpoint() {
        try (AuthClient api =
                start(Map.of("gatehouse.sessions.max-per-user", "1", "gatehouse.sessions.limit-policy", "refuse"))) {
            String email = api.registerUser();
            api.login(email);
            HttpResponse<String> second = api.postJson(
                    "/api/v1/auth/login",
                    "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}",
                    null);
            assertThat(Problems.assertProblem(second, 409).path("type").asText())
                    .isEqualTo("urn:gatehouse:problem:session-limit");
            Problems.assertOAuthError(
                    api.form(
                            "/oauth2/token",
                            Map.of("grant_type", "password", "username", email, "password", AuthClient.PASSWORD),
                            null),
                    400,
                    "invalid_grant");
        }
    }
}
