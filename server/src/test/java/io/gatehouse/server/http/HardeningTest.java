package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults that close review findings: HSTS, CORS exposed headers, the password grant switch, long email keys. */
class HardeningTest {
    @TempDir
    Path dir;

    @Test
    void hstsIsSentWhenThePublicUrlIsHttps() {
        try (TestServer https =
                TestServer.start(dir.resolve("a"), Map.of("gatehouse.server.public-url", "https://auth.example.com"))) {
            assertThat(https.get("/health/live").headers().firstValue("Strict-Transport-Security"))
                    .hasValue("max-age=31536000");
        }
        try (TestServer http = TestServer.start(dir.resolve("b"), Map.of())) {
            assertThat(http.get("/health/live").headers().firstValue("Strict-Transport-Security"))
                    .isEmpty();
        }
    }

    @Test
    void corsExposesTheRateLimitHeadersTheServerSends() {
        try (TestServer server =
                TestServer.start(dir, Map.of("gatehouse.server.cors.allowed-origins", "https://app.example.com"))) {
            server.postJson(
                    "/api/v1/auth/register", "{\"email\":\"cors@example.com\",\"password\":\"a long passphrase\"}");
            HttpResponse<String> login = server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .header("Origin", "https://app.example.com")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"cors@example.com\",\"password\":\"a long passphrase\"}")));
            assertThat(login.statusCode()).isEqualTo(200);
            List<String> exposed = Arrays.stream(login.headers()
                            .firstValue("Access-Control-Expose-Headers")
                            .orElseThrow()
                            .split(","))
                    .map(String::strip)
                    .map(String::toLowerCase)
                    .toList();
            List<String> rateLimitHeaders = login.headers().map().keySet().stream()
                    .map(String::toLowerCase)
                    .filter(h -> h.contains("ratelimit") || h.equals("retry-after"))
                    .toList();
            assertThat(rateLimitHeaders).isNotEmpty();
            assertThat(exposed).containsAll(rateLimitHeaders).doesNotContain("ratelimit-limit", "ratelimit-remaining");
        }
    }

    @Test
    void thePasswordGrantCanBeTurnedOffAndIsThenNotAdvertised() {
        try (TestServer server = TestServer.start(dir, Map.of("gatehouse.server.oauth.password-grant", "false"))) {
            JsonNode metadata = TestServer.json(server.get("/.well-known/oauth-authorization-server"));
            assertThat(metadata.path("grant_types_supported").toString()).isEqualTo("[\"refresh_token\"]");
            HttpResponse<String> grant = server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=a%40b.c&password=x")));
            assertThat(grant.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(grant).path("error").asText()).isEqualTo("unsupported_grant_type");
        }
        try (TestServer server = TestServer.start(dir.resolve("on"), Map.of())) {
            assertThat(TestServer.json(server.get("/.well-known/oauth-authorization-server"))
                            .path("grant_types_supported")
                            .toString())
                    .contains("password");
        }
    }

    @Test
    void anEmailWhoseKeyIsTooLongIsA400() {
        try (TestServer server = TestServer.start(dir, Map.of())) {
            HttpResponse<String> r = server.postJson(
                    "/api/v1/auth/register",
                    "{\"email\":\"" + "\uFDFA".repeat(14) + "@example.com\",\"password\":\"a long passphrase\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("email");
        }
    }
}
