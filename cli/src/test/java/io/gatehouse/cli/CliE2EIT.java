package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.TestJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gatehouse} as operators run it, against the server jar running as a process on Redis,
 * both on the embedded user database (the CLI reaches the server's H2 file through mixed mode): what the
 * CLI does is seen by the server at once.
 */
class CliE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path work;

    private static final Map<String, String> ENV = new HashMap<>();
    private static Process server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        ENV.put("GATEHOUSE_REDIS_URL", SharedRedis.standalone().url());
        ENV.put(
                "GATEHOUSE_REDIS_KEY_PREFIX",
                "clie2e" + UUID.randomUUID().toString().substring(0, 8));
        ENV.put("GATEHOUSE_SESSIONS_MAC_KEY", "ZTJlLW1hYy1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NQ==");
        ENV.put("GATEHOUSE_SESSIONS_DEVICE_KEY", "ZTJlLWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMg==");
        ENV.put("GATEHOUSE_REDIS_COMMAND_TIMEOUT", "5s");
        ENV.put("GATEHOUSE_REDIS_CONNECT_TIMEOUT", "10s");
        ENV.put("GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "1024");
        ENV.put("GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "1");
        ENV.put(GatehouseConfig.environmentName("gatehouse.lockout.ip-account.max-failures"), "3");
        ENV.put(
                GatehouseConfig.environmentName("gatehouse.tokens.keys.encryption-key"),
                "Y2xpLWUyZS1rZXlzLWVuY3J5cHRpb24ta2V5LTAxMjM=");
        ENV.put("GATEHOUSE_DATA_DIR", work.resolve("data").toString());
        Path jar = Path.of(System.getProperty("gatehouse.server.jar"));
        ProcessBuilder pb =
                new ProcessBuilder(TestJvm.command("-Xmx256m", "-jar", jar.toString())).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().putAll(ENV);
        pb.environment().put("GATEHOUSE_SERVER_PORT", "0");
        Path log = work.resolve("server.log");
        server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        port = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            assertThat(server.isAlive())
                                    .as(Files.readString(log))
                                    .isTrue();
                            for (String line : Files.readAllLines(log)) {
                                if (line.contains("Gatehouse listening on")) {
                                    return Optional.of(
                                            JSON.readTree(line).path("port").asInt());
                                }
                            }
                            return Optional.<Integer>empty();
                        },
                        Optional::isPresent)
                .get();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> http(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode register(String email) throws Exception {
        HttpResponse<String> r = http(
                "POST",
                "/api/v1/auth/register",
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> login(String email, String password) throws Exception {
        return http(
                "POST", "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
    }

    private static JsonNode loggedIn(String email) throws Exception {
        HttpResponse<String> r = login(email, PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int me(JsonNode tokens) throws Exception {
        return http("GET", "/api/v1/me", null, tokens.path("access_token").asText())
                .statusCode();
    }

    private record Ran(int exit, String out, String err) {}

    /** Runs scripts/gatehouse with the server's environment (plus {@code env}) and working directory. */
    private static Ran run(Map<String, String> env, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = System.getProperty("gatehouse.cli.launcher");
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().putAll(ENV);
        pb.environment().putAll(env);
        Path err = Files.createTempFile(work, "cli-", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Ran(p.exitValue(), out, Files.readString(err));
    }

    /** Runs scripts/gatehouse with the server's environment and working directory; returns stdout, asserting exit 0. */
    private static String gatehouse(String... args) throws Exception {
        Ran r = run(Map.of(), args);
        assertThat(r.exit())
                .as(String.join(" ", args) + "\n" + r.out() + r.err())
                .isZero();
        return r.out();
    }

    /** How long after {@code since} (nanoTime) the server first answered /me with 401 for these tokens. */
    private static Duration refusedAfter(JsonNode tokens, long since) throws Exception {
        while (me(tokens) != 401) {
            Thread.onSpinWait();
            if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(10)) {
                throw new AssertionError("still accepted 10 s after the CLI exited");
            }
        }
        return Duration.ofNanos(System.nanoTime() - since);
    }

    @Test
    void anUnreachableRedisIsOneLineOnStderrThroughTheLauncher() throws Exception {
        // The launcher's JVM loads Netty's epoll library: without the jar's Enable-Native-Access the JDK printed
        // four WARNING lines before the CLI's own.
        Ran r = run(Map.of("GATEHOUSE_REDIS_URL", "redis://127.0.0.1:1"), "health");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.err().lines().filter(l -> !l.isBlank()))
                .singleElement()
                .satisfies(line ->
                        assertThat(line).startsWith("gatehouse health: ").contains("gatehouse.redis.url"));
    }

    @Test
    void usersSuspendStopsTheLiveAccessTokenAtTheServerWithin100Ms() throws Exception {
        register("suspend.me@example.com");
        JsonNode tokens = loggedIn("suspend.me@example.com");
        assertThat(me(tokens)).isEqualTo(200);

        JsonNode r = JSON.readTree(
                gatehouse("users", "suspend", "suspend.me@example.com", "--reason", "e2e", "--output", "json"));
        long exited = System.nanoTime();
        assertThat(r.path("sessions_ended").asInt()).isEqualTo(1);
        assertThat(refusedAfter(tokens, exited)).isLessThan(Duration.ofMillis(100));
        assertThat(login("suspend.me@example.com", PASSWORD).statusCode()).isEqualTo(403);
    }

    @Test
    void sessionsEndStopsThatSessionOnlyWithin100Ms() throws Exception {
        register("two.sessions@example.com");
        JsonNode first = loggedIn("two.sessions@example.com");
        JsonNode second = loggedIn("two.sessions@example.com");
        String listed = gatehouse("sessions", "list", "two.sessions@example.com", "--output", "json");
        assertThat(JSON.readTree(listed).findValuesAsText("id")).hasSize(2);

        gatehouse("sessions", "end", "--", first.path("session_id").asText());
        long exited = System.nanoTime();
        assertThat(refusedAfter(first, exited)).isLessThan(Duration.ofMillis(100));
        assertThat(me(second)).isEqualTo(200);
    }

    @Test
    void lockoutUnlockLetsALockedOutLoginThrough() throws Exception {
        register("locked.out@example.com");
        for (int i = 0; i < 3; i++) {
            assertThat(login("locked.out@example.com", "wrong password " + i).statusCode())
                    .isEqualTo(401);
        }
        assertThat(login("locked.out@example.com", PASSWORD).statusCode())
                .as("locked out")
                .isEqualTo(429);
        assertThat(JSON.readTree(gatehouse("lockout", "list", "--output", "json"))
                        .findValuesAsText("account"))
                .contains("locked.out@example.com");

        gatehouse("lockout", "unlock", "Locked.Out@example.com");
        assertThat(login("locked.out@example.com", PASSWORD).statusCode()).isEqualTo(200);
    }
}
