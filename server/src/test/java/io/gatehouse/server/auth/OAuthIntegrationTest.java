package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 6749 token grants, RFC 7009 revocation, RFC 7662 introspection and client authentication, on each store. */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class OAuthIntegrationTest {
    static final ClientCredentials GATEWAY = new ClientCredentials("gateway", ClientRegistry.generateSecret());
    /** An id and a secret with every character RFC 6749 §2.3.1's form-encoding exists for. */
    static final ClientCredentials ODD =
            new ClientCredentials("svc:reporting+eu@example.com", "s3cr:t %+&=/é€ ünïcode");

    static final ClientCredentials NO_SCOPE = new ClientCredentials("plain", ClientRegistry.generateSecret());

    @Parameter
    AuthClient.Store store;

    static AuthClient api;

    @BeforeParameterizedClassInvocation
    static void start(AuthClient.Store store) throws Exception {
        api = AuthClient.start(store, Files.createTempDirectory("oauth"), clients());
    }

    static Map<String, String> clients() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("gatehouse.server.clients", GATEWAY.id() + "," + ODD.id() + "," + NO_SCOPE.id());
        c.put("gatehouse.server.client.gateway.secret-hash", ClientRegistry.hashSecret(GATEWAY.secret()));
        c.put("gatehouse.server.client.gateway.scopes", "introspect revoke");
        c.put("gatehouse.server.client." + ODD.id() + ".secret-hash", ClientRegistry.hashSecret(ODD.secret()));
        c.put("gatehouse.server.client." + ODD.id() + ".scopes", "introspect");
        c.put("gatehouse.server.client.plain.secret-hash", ClientRegistry.hashSecret(NO_SCOPE.secret()));
        return c;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        api.close();
    }

    @Test
    void passwordGrantAnswersRfc6749Section51WithoutCaching() {
        String email = api.registerUser();
        HttpResponse<String> r = api.form(
                "/oauth2/token",
                Map.of("grant_type", "password", "username", email, "password", AuthClient.PASSWORD),
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");
        JsonNode t = TestServer.json(r);
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.path("expires_in").asLong()).isPositive();
        assertThat(api.get("/api/v1/me", t.path("access_token").asText()).statusCode())
                .isEqualTo(200);

        HttpResponse<String> refreshed = api.form(
                "/oauth2/token",
                Map.of(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        t.path("refresh_token").asText()),
                GATEWAY.toBasicHeader());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(TestServer.json(refreshed).path("refresh_token").asText())
                .isNotEqualTo(t.path("refresh_token").asText());
    }

    @Test
    void tokenEndpointErrorsAreRfc6749Section52() {
        String email = api.registerUser();
        Problems.assertOAuthError(api.form("/oauth2/token", Map.of("username", email), null), 400, "invalid_request");
        Problems.assertOAuthError(
                api.form("/oauth2/token", Map.of("grant_type", "client_credentials"), null),
                400,
                "unsupported_grant_type");
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/token",
                        Map.of("grant_type", "password", "username", email, "password", "wrong password"),
                        null),
                400,
                "invalid_grant");
        Problems.assertOAuthError(
                api.form("/oauth2/token", Map.of("grant_type", "password", "username", email), null),
                400,
                "invalid_request");
        Problems.assertOAuthError(
                api.form("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", "not.a.token"), null),
                400,
                "invalid_grant");
        Problems.assertOAuthError(
                api.formRaw("/oauth2/token", "grant_type=password&grant_type=refresh_token", null),
                400,
                "invalid_request");
        Problems.assertOAuthError(api.formRaw("/oauth2/token", "grant_type=%zz", null), 400, "invalid_request");
        Problems.assertOAuthError(
                api.postJson("/oauth2/token", "{\"grant_type\":\"password\"}", null), 400, "invalid_request");
        // Client authentication is optional here, but presented credentials must be right.
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/token",
                        Map.of("grant_type", "password", "username", email, "password", AuthClient.PASSWORD),
                        new ClientCredentials("gateway", "wrong").toBasicHeader()),
                401,
                "invalid_client");
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/token",
                        Map.of(
                                "grant_type",
                                "password",
                                "username",
                                email,
                                "password",
                                AuthClient.PASSWORD,
                                "client_id",
                                "gateway"),
                        null),
                401,
                "invalid_client");
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/token",
                        Map.of(
                                "grant_type",
                                "password",
                                "username",
                                email,
                                "password",
                                AuthClient.PASSWORD,
                                "client_id",
                                "gateway",
                                "client_secret",
                                GATEWAY.secret()),
                        GATEWAY.toBasicHeader()),
                400,
                "invalid_request");
        Problems.assertOAuthError(
                api.form("/oauth2/token", Map.of("grant_type", "password"), "Basic !!!"), 401, "invalid_client");
    }

    @Test
    void introspectionDescribesActiveTokensAndSaysInactiveForEverythingElse() {
        JsonNode t = api.login(api.registerUser());
        String access = t.path("access_token").asText();
        JsonNode claims = JwtParts.claims(access);

        JsonNode active = introspect(access, GATEWAY);
        assertThat(active.path("active").asBoolean()).isTrue();
        assertThat(active.path("sub").asText()).isEqualTo(claims.path("sub").asText());
        assertThat(active.path("jti").asText()).isEqualTo(claims.path("jti").asText());
        assertThat(active.path("sid").asText()).isEqualTo(t.path("session_id").asText());
        assertThat(active.path("iss").asText()).isEqualTo(claims.path("iss").asText());
        assertThat(active.path("aud").asText()).isEqualTo("gatehouse");
        assertThat(active.path("exp").asLong()).isEqualTo(claims.path("exp").asLong());
        assertThat(active.path("iat").asLong()).isEqualTo(claims.path("iat").asLong());
        assertThat(active.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(active.path("roles").toString()).isEqualTo("[\"user\"]");

        JsonNode refresh = introspect(t.path("refresh_token").asText(), GATEWAY);
        assertThat(refresh.path("active").asBoolean()).isTrue();
        assertThat(refresh.path("token_type").asText()).isEqualTo("refresh_token");

        for (String junk : List.of("garbage", access.substring(0, access.length() - 3) + "abc", "a.b.c")) {
            assertThat(introspect(junk, GATEWAY).toString()).isEqualTo("{\"active\":false}");
        }
        assertThat(api.post("/api/v1/auth/logout", access).statusCode()).isEqualTo(204);
        assertThat(introspect(access, GATEWAY).toString()).isEqualTo("{\"active\":false}");
        assertThat(introspect(t.path("refresh_token").asText(), GATEWAY).toString())
                .isEqualTo("{\"active\":false}");
    }

    @Test
    void introspectionNeedsAnAuthenticatedClientWithTheIntrospectScope() {
        String access = api.login(api.registerUser()).path("access_token").asText();
        Problems.assertOAuthError(api.form("/oauth2/introspect", Map.of("token", access), null), 401, "invalid_client");
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/introspect",
                        Map.of("token", access),
                        new ClientCredentials("gateway", GATEWAY.secret() + "x").toBasicHeader()),
                401,
                "invalid_client");
        Problems.assertOAuthError(
                api.form(
                        "/oauth2/introspect",
                        Map.of("token", access),
                        new ClientCredentials("nobody", GATEWAY.secret()).toBasicHeader()),
                401,
                "invalid_client");
        Problems.assertOAuthError(
                api.form("/oauth2/introspect", Map.of("token", access), NO_SCOPE.toBasicHeader()),
                400,
                "unauthorized_client");
        Problems.assertOAuthError(
                api.form("/oauth2/introspect", Map.of(), GATEWAY.toBasicHeader()), 400, "invalid_request");
        // Special characters survive RFC 6749 §2.3.1 encoding; a client that does not form-encode fails.
        assertThat(introspect(access, ODD).path("active").asBoolean()).isTrue();
        String unencoded = "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString(
                                (ODD.id() + ":" + ODD.secret()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Problems.assertOAuthError(
                api.form("/oauth2/introspect", Map.of("token", access), unencoded), 401, "invalid_client");
        // client_secret_post is accepted too.
        HttpResponse<String> post = api.form(
                "/oauth2/introspect",
                Map.of("token", access, "client_id", ODD.id(), "client_secret", ODD.secret()),
                null);
        assertThat(TestServer.json(post).path("active").asBoolean()).isTrue();
    }

    @Test
    void revocationIsRfc7009() {
        JsonNode t = api.login(api.registerUser());
        String access = t.path("access_token").asText();
        HttpResponse<String> r = api.form(
                "/oauth2/revoke", Map.of("token", access, "token_type_hint", "access_token"), GATEWAY.toBasicHeader());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        Problems.assertProblem(api.get("/api/v1/me", access), 401);
        // The access token only: the refresh token still works (RFC 7009 §2.1 leaves that to the server).
        JsonNode next = TestServer.json(api.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + t.path("refresh_token").asText() + "\"}",
                null));
        assertThat(next.path("access_token").isTextual()).isTrue();

        // A refresh token (with a wrong hint: it is only a hint) revokes its family and ends its session.
        assertThat(api.form(
                                "/oauth2/revoke",
                                Map.of("token", next.path("refresh_token").asText(), "token_type_hint", "access_token"),
                                GATEWAY.toBasicHeader())
                        .statusCode())
                .isEqualTo(200);
        Problems.assertProblem(api.get("/api/v1/me", next.path("access_token").asText()), 401);
        Problems.assertProblem(
                api.postJson(
                        "/api/v1/auth/refresh",
                        "{\"refresh_token\":\"" + next.path("refresh_token").asText() + "\"}",
                        null),
                401);
        assertThat(api.server
                        .server()
                        .gatehouse()
                        .sessions()
                        .getByHandle(t.path("session_id").asText()))
                .isEmpty();

        // Unknown and invalid tokens: 200 all the same.
        assertThat(api.form("/oauth2/revoke", Map.of("token", "whatever"), GATEWAY.toBasicHeader())
                        .statusCode())
                .isEqualTo(200);
        Problems.assertOAuthError(
                api.form("/oauth2/revoke", Map.of(), GATEWAY.toBasicHeader()), 400, "invalid_request");
        Problems.assertOAuthError(api.form("/oauth2/revoke", Map.of("token", access), null), 401, "invalid_client");
        Problems.assertOAuthError(
                api.form("/oauth2/revoke", Map.of("token", access), ODD.toBasicHeader()), 400, "unauthorized_client");
    }

    @Test
    void metadataAndJwksArePublishedAndCacheable() {
        JsonNode t = api.login(api.registerUser());
        HttpResponse<String> r = api.server.get("/.well-known/oauth-authorization-server");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).get().asString().contains("max-age=");
        JsonNode m = TestServer.json(r);
        String issuer = m.path("issuer").asText();
        assertThat(issuer)
                .isEqualTo(JwtParts.claims(t.path("access_token").asText())
                        .path("iss")
                        .asText())
                .isEqualTo("http://localhost:0");
        assertThat(m.path("token_endpoint").asText()).isEqualTo(issuer + "/oauth2/token");
        assertThat(m.path("revocation_endpoint").asText()).isEqualTo(issuer + "/oauth2/revoke");
        assertThat(m.path("introspection_endpoint").asText()).isEqualTo(issuer + "/oauth2/introspect");
        assertThat(m.path("jwks_uri").asText()).isEqualTo(issuer + "/.well-known/jwks.json");
        assertThat(m.path("grant_types_supported").toString()).isEqualTo("[\"password\",\"refresh_token\"]");
        assertThat(m.path("introspection_endpoint_auth_methods_supported").toString())
                .contains("client_secret_basic");
        assertThat(m.path("access_token_signing_alg_values_supported").toString())
                .isEqualTo("[\"ES256\"]");

        JsonNode header = JwtParts.header(t.path("access_token").asText());
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        HttpResponse<String> jwks = api.server.get("/.well-known/jwks.json");
        assertThat(jwks.headers().firstValue("Cache-Control")).get().asString().startsWith("public, max-age=");
        assertThat(TestServer.json(jwks).path("keys")).anySatisfy(k -> {
            assertThat(k.path("kid").asText()).isEqualTo(header.path("kid").asText());
            assertThat(k.path("alg").asText()).isEqualTo(header.path("alg").asText());
            assertThat(k.has("d")).as("no private part").isFalse();
        });
    }

    private static JsonNode introspect(String token, ClientCredentials client) {
        HttpResponse<String> r = api.form("/oauth2/introspect", Map.of("token", token), client.toBasicHeader());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return TestServer.json(r);
    }
}
