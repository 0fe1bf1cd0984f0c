package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Register, health, metrics, security headers and CORS through real HTTP on an in-process server. */
class HttpApiIntegrationTest {
    @TempDir
    static Path dataDir;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir,
                Map.of(
                        "gatehouse.server.cors.allowed-origins", "https://app.example.com",
                        "gatehouse.server.hsts-max-age", "365d"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void registerReturns201WithTheUserAndNoSecrets() {
        HttpResponse<String> r = server.postJson(
                "/api/v1/auth/register",
                "{\"email\": \" Reg.Ann@Example.com \", \"password\": \"correct horse battery\", \"full_name\": \"Ann\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode user = TestServer.json(r);
        assertThat(user.path("email").asText()).isEqualTo("Reg.Ann@Example.com");
        assertThat(user.path("full_name").asText()).isEqualTo("Ann");
        assertThat(user.path("status").asText()).isEqualTo("active");
        assertThat(user.path("roles").toString()).isEqualTo("[\"user\"]");
        assertThat(user.path("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(r.body())
                .doesNotContain("correct horse battery")
                .doesNotContain("argon2")
                .doesNotContain("hash");

        HttpResponse<String> again = server.postJson(
                "/api/v1/auth/register", "{\"email\": \"reg.ann@example.COM\", \"password\": \"another password\"}");
        JsonNode problem = HttpErrorsIntegrationTest.assertProblem(again, 409);
        assertThat(problem.path("type").asText()).isEqualTo("urn:gatehouse:problem:email-taken");
        assertThat(problem.path("request_id").asText())
                .isEqualTo(again.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void fullNameIsOptional() {
        HttpResponse<String> r = server.postJson(
                "/api/v1/auth/register",
                "{\"email\": \"noname@example.com\", \"password\": \"correct horse battery\", \"full_name\": null}");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(TestServer.json(r).path("full_name").isNull()).isTrue();
    }

    @Test
    void healthEndpointsReportHealthyOnTheEmbeddedDefault() {
        for (String path : new String[] {
            "/health", "/health/live", "/health/ready", "/health/redis", "/health/database", "/health/system"
        }) {
            HttpResponse<String> r = server.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(TestServer.json(r).path("status").asText()).as(path).isEqualTo("healthy");
        }
        JsonNode overall = TestServer.json(server.get("/health"));
        assertThat(overall.at("/checks/database/status").asText()).isEqualTo("healthy");
        assertThat(overall.at("/checks/redis/targets/0/role").asText()).isEqualTo("in-memory");
        JsonNode system = TestServer.json(server.get("/health/system"));
        assertThat(system.path("available_processors").asInt()).isPositive();
        assertThat(system.at("/heap/used_bytes").asLong()).isPositive();
        assertThat(system.at("/threads/live").asInt()).isPositive();
    }

    @Test
    void metricsCountRequestsByRouteTemplateNotRawPath() {
        server.get("/health/live");
        server.get("/no/such/path/12345");
        server.get("/no/such/path/67890");
        HttpResponse<String> r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
        String body = r.body();
        assertThat(body)
                .contains("http_server_requests_seconds_bucket{")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/health/live\"[^}]*status=\"200\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\"")
                .doesNotContain("12345")
                .doesNotContain("67890")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads")
                .contains("process_uptime_seconds");
    }

    @Test
    void securityHeadersAreOnEveryResponseIncludingErrors() {
        for (HttpResponse<String> r : new HttpResponse[] {
            server.get("/health/live"), server.get("/nope"), server.postJson("/api/v1/auth/register", "garbage")
        }) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .hasValue("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
        }
        assertThat(server.get("/openapi.yaml").headers().firstValue("Cache-Control"))
                .hasValue("no-cache");
    }

    @Test
    void corsAllowsTheConfiguredOriginOnly() {
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/register"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                .get()
                .asString()
                .contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .get()
                .asString()
                .contains("Content-Type");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");

        HttpResponse<String> simple = server.send(
                HttpRequest.newBuilder(server.uri("/health/live")).header("Origin", "https://app.example.com"));
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(simple.headers().firstValue("Access-Control-Expose-Headers"))
                .get()
                .asString()
                .contains("X-Request-Id");
        assertThat(simple.headers().firstValue("Vary")).hasValue("Origin");

        HttpResponse<String> evil = server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/register"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.net")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/health/live"))
                                .header("Origin", "https://evil.example.net"))
                        .headers()
                        .firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }
}
