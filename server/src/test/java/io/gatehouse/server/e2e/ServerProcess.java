package io.gatehouse.server.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.TestJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real server as users run it: {@code java -jar server/target/gatehouse-server.jar} (the shaded jar
 * built by {@code package}) in its own working directory, configured only through {@code GATEHOUSE_*}
 * environment variables, on a port the server picks itself ({@code GATEHOUSE_SERVER_PORT=0}) and reports
 * in its JSON startup line. Stopped with SIGTERM, so its shutdown hook is exercised too.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the jar in {@code workDir} with these environment variables (added to cheap test hashing settings). */
    static ServerProcess start(Path workDir, Map<String, String> env) {
        Path jar = Path.of(System.getProperty("gatehouse.server.jar", "target/gatehouse-server.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the e2e tests run after 'package' (mvn verify)");
        }
        ProcessBuilder pb =
                new ProcessBuilder(TestJvm.command("-Xmx256m", "-jar", jar.toString())).directory(workDir.toFile());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        environment.put("GATEHOUSE_SERVER_PORT", "0");
        environment.put("GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "1024");
        environment.put("GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "1");
        environment.put("GATEHOUSE_SERVER_MONITOR_ACCESS", "public");
        environment.put("GATEHOUSE_TOKENS_KEYS_ENCRYPTION_KEY", "dGVzdC1rZXktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=");
        environment.putAll(env);
        Process process;
        Path log;
        try {
            // One log per start: a restart in the same directory must not find the previous run's port.
            log = Files.createTempFile(workDir, "server-", ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + jar, e);
        }
        try {
            int port = await().atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                if (!process.isAlive()) {
                                    throw new IllegalStateException(
                                            "the server exited with " + process.exitValue() + ":\n" + read(log));
                                }
                                return listeningPort(log);
                            },
                            Optional::isPresent)
                    .get();
            return new ServerProcess(process, log, port);
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "the server did not report its port within " + START_TIMEOUT + ":\n" + read(log));
        }
    }

    private static Optional<Integer> listeningPort(Path log) {
        for (String line : read(log).split("\n")) {
            if (line.contains("Gatehouse listening on")) {
                try {
                    return Optional.of(JSON.readTree(line).path("port").asInt());
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Everything the process has printed so far. */
    String log() {
        return read(log);
    }

    /** Every log line parsed as JSON (a line that is not JSON fails the parse: logs must be JSON lines). */
    List<JsonNode> logLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("log line is not JSON: " + line, e);
            }
        }
        return lines;
    }

    /** SIGTERM, then waits for the exit code (SIGKILL after 20 s). */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
