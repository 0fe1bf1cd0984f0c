package io.gatehouse.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.TlsRedis;
import io.gatehouse.testkit.Topology;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shaded jar, started as a process, driven over HTTP: on the embedded default and on every Redis topology. */
class ServerE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void embeddedDefaultRegistersServesHealthAndMetricsAndKeepsUsersAcrossRestarts(@TempDir Path workDir)
            throws Exception {
        String password = "pw-" + HexFormat.of().formatHex(randomBytes()) + " secret";
        try (ServerProcess server = ServerProcess.start(workDir, Map.of())) {
            exerciseContract(server, password);

            JsonNode health = JSON.readTree(server.get("/health").body());
            assertThat(health.path("status").asText()).isEqualTo("healthy");
            assertThat(health.at("/checks/database/url").asText())
                    .startsWith("jdbc:h2:file:")
                    .contains(workDir.toRealPath().resolve("data").toString());
            assertThat(server.get("/metrics").body())
                    .containsPattern("gatehouse_token_verifications_total\\{outcome=\"ok\"} [1-9]");
            assertThat(health.at("/checks/redis/targets/0/role").asText()).isEqualTo("in-memory");

            assertThat(server.stop())
                    .as("clean exit on SIGTERM:\n" + server.log())
                    .isIn(0, 143);
            assertLogs(server, password);
        }
        // The embedded default keeps users in an H2 file under ./data: a restart still knows the email.
        assertThat(workDir.resolve("data/users.mv.db")).exists();
        try (ServerProcess again = ServerProcess.start(workDir, Map.of())) {
            HttpResponse<String> taken = again.postJson(
                    "/api/v1/auth/register",
                    "{\"email\": \"E2E.User@Example.com\", \"password\": \"another password\"}");
            assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        }
    }

    /**
     * The same contract exercise against every Redis topology users run: standalone, Sentinel (the URL
     * names the sentinels and the master), Cluster (seed nodes) and TLS (a server started from the shipped
     * {@code deploy/redis/redis.conf}, as the shipped ACL's {@code gatehouse} user, with a client certificate). The deployments are the testkit's
     * shared ones (started once per JVM); each run uses its own key prefix, so runs never see each other's
     * state and nothing needs flushing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Topology.class,
            names = {"STANDALONE", "SENTINEL", "CLUSTER", "TLS"})
    void withRedisConfiguredTheContractHoldsAndHealthShowsTheTarget(Topology topology, @TempDir Path workDir)
            throws Exception {
        RedisDeployment deployment = SharedRedis.get(topology);
        String redisUrl = deployment.url();
        String password = "pw-" + HexFormat.of().formatHex(randomBytes()) + " secret";
        String opsSecret =
                HexFormat.of().formatHex(randomBytes()) + HexFormat.of().formatHex(randomBytes());
        Map<String, String> env = new HashMap<>(Map.of(
                "GATEHOUSE_REDIS_URL",
                redisUrl,
                "GATEHOUSE_REDIS_KEY_PREFIX",
                "e2e" + HexFormat.of().formatHex(randomBytes()),
                "GATEHOUSE_SESSIONS_MAC_KEY",
                "ZTJlLW1hYy1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NQ==",
                "GATEHOUSE_SESSIONS_DEVICE_KEY",
                "ZTJlLWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMg==",
                // This machine is shared and loaded; the 1 s default can miss the first handshake.
                "GATEHOUSE_REDIS_COMMAND_TIMEOUT",
                "5s",
                "GATEHOUSE_REDIS_CONNECT_TIMEOUT",
                "10s"));
        if (deployment instanceof TlsRedis tls) {
            // The shipped ACL confines the gatehouse user to gatehouse:* keys and channels: the default
            // prefix. Only this test uses the TLS deployment in this JVM, so nothing else shares it.
            env.remove("GATEHOUSE_REDIS_KEY_PREFIX");
            env.put("GATEHOUSE_REDIS_TLS_CA_FILE", tls.caCertFile().toString());
            env.put("GATEHOUSE_REDIS_TLS_CERT_FILE", tls.clientCertFile().toString());
            env.put("GATEHOUSE_REDIS_TLS_KEY_FILE", tls.clientKeyFile().toString());
        }
        env.put("GATEHOUSE_SERVER_CLIENTS", "ops");
        env.put("GATEHOUSE_SERVER_CLIENT_OPS_SECRET_HASH", "sha256:" + sha256Hex(opsSecret));
        env.put("GATEHOUSE_SERVER_CLIENT_OPS_SCOPES", "admin");
        try (ServerProcess server = ServerProcess.start(workDir, env)) {
            exerciseContract(server, password);

            // Health is live state kept by background work (the revocation stream reader's last contact,
            // the circuit's probe): on a loaded machine a reader may still be between reads when the
            // exercise ends, so the check waits for healthy instead of sampling one instant.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertHealthy(server, topology));
            // The admin API answers an admin client over HTTP Basic (RFC 6749 section 2.3.1 encoding).
            String basic = "Basic "
                    + Base64.getEncoder().encodeToString(("ops:" + opsSecret).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> stats = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/revocations"))
                    .header("Authorization", basic)
                    .GET());
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
            assertThat(JSON.readTree(stats.body()).at("/link/status").asText()).isEqualTo("healthy");

            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("gatehouse_redis_commands_seconds_bucket{command=\"EVALSHA\"");
            assertThat(metrics).containsPattern("gatehouse_token_revocation_resyncs_total [1-9]");
            assertThat(metrics).containsPattern("gatehouse_redis_circuit_open\\{target=\"[^\"]+\"} 0(\\.0)?\n");
            assertThat(metrics).doesNotContain(opsSecret);
            server.stop();
            assertLogs(server, password);
            assertThat(server.log()).doesNotContain(opsSecret);
        }
    }

    private static void assertHealthy(ServerProcess server, Topology topology) throws Exception {
        HttpResponse<String> redis = server.get("/health/redis");
        assertThat(redis.statusCode()).isEqualTo(200);
        JsonNode target = JSON.readTree(redis.body()).path("targets").get(0);
        assertThat(target.path("status").asText()).isEqualTo("healthy");
        assertThat(target.path("version").asText()).isNotBlank();
        assertThat(target.path("target").asText()).contains("tokens").doesNotContain("in-memory");
        if (topology == Topology.CLUSTER) {
            assertThat(target.path("nodes").asInt()).isGreaterThanOrEqualTo(3);
        }
        JsonNode health = JSON.readTree(server.get("/health").body());
        assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("healthy");
        for (String part : new String[] {"tokens", "rate_limits", "sessions", "events", "cache"}) {
            assertThat(health.at("/checks/" + part + "/status").asText())
                    .as(part)
                    .isEqualTo("healthy");
        }
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Tokens the contract exercise obtained: none of them may appear in a log line. */
    private final List<String> tokenValues = new java.util.ArrayList<>();

    private void exerciseContract(ServerProcess server, String password) throws Exception {
        HttpResponse<String> live = server.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("healthy");
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

        String body =
                "{\"email\": \"e2e.user@example.com\", \"password\": \"" + password + "\", \"full_name\": \"E2E\"}";
        HttpResponse<String> created = server.postJson("/api/v1/auth/register", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("email").asText()).isEqualTo("e2e.user@example.com");
        assertThat(created.body()).doesNotContain(password);

        HttpResponse<String> taken = server.postJson("/api/v1/auth/register", body.replace("e2e.user", "E2E.USER"));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // A malformed body that contains the password must not put it in any log line either.
        HttpResponse<String> malformed =
                server.postJson("/api/v1/auth/register", "{\"password\": \"" + password + "\", oops");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).doesNotContain(password);

        // The session contract: login → me → refresh → logout → the refresh token no longer works.
        HttpResponse<String> login = server.postJson(
                "/api/v1/auth/login", "{\"email\": \"E2E.User@example.com\", \"password\": \"" + password + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(login.body());
        assertThat(tokens.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.path("session_id").asText()).isNotBlank();
        HttpResponse<String> me = server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                .header("Authorization", "Bearer " + tokens.path("access_token").asText())
                .GET());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("email").asText()).isEqualTo("e2e.user@example.com");
        HttpResponse<String> refreshed = server.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\": \"" + tokens.path("refresh_token").asText() + "\"}");
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode pair = JSON.readTree(refreshed.body());
        HttpResponse<String> logout = server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/logout"))
                .header("Authorization", "Bearer " + pair.path("access_token").asText())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
        HttpResponse<String> after = server.postJson(
                "/api/v1/auth/refresh",
                "{\"refresh_token\": \"" + pair.path("refresh_token").asText() + "\"}");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(401);
        HttpResponse<String> meAfter = server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                .header("Authorization", "Bearer " + pair.path("access_token").asText())
                .GET());
        assertThat(meAfter.statusCode()).isEqualTo(401);
        JsonNode metadata = JSON.readTree(
                server.get("/.well-known/oauth-authorization-server").body());
        assertThat(metadata.path("issuer").asText())
                .isEqualTo(JSON.readTree(java.util.Base64.getUrlDecoder()
                                .decode(pair.path("access_token").asText().split("\\.")[1]))
                        .path("iss")
                        .asText());
        assertThat(server.get("/.well-known/jwks.json").statusCode()).isEqualTo(200);
        for (String secret : new String[] {
            tokens.path("access_token").asText(), tokens.path("refresh_token").asText()
        }) {
            tokenValues.add(secret);
        }

        String metrics = server.get("/metrics").body();
        assertThat(metrics)
                .containsPattern(
                        "http_server_requests_seconds_count\\{[^}]*route=\"/api/v1/auth/register\"[^}]*status=\"201\"[^}]*} 1(\\.0)?\n");
        assertThat(metrics).contains("jvm_memory_used_bytes");
        assertThat(server.get("/openapi.yaml").statusCode()).isEqualTo(200);
    }

    private void assertLogs(ServerProcess server, String password) {
        String log = server.log();
        assertThat(log).as("the password must never reach the log").doesNotContain(password);
        assertThat(tokenValues).isNotEmpty();
        for (String token : tokenValues) {
            assertThat(log).as("no token in the log").doesNotContain(token).doesNotContain(token.split("\\.")[2]);
        }
        List<JsonNode> lines = server.logLines();
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("logger_name").asText()).isEqualTo("io.gatehouse.server.access");
            assertThat(l.path("route").asText()).isEqualTo("/api/v1/auth/register");
            assertThat(l.path("status").asInt()).isEqualTo(201);
            assertThat(UUID.fromString(l.path("request_id").asText())).isNotNull();
            assertThat(l.path("user_id").asText()).isNotBlank();
        });
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
