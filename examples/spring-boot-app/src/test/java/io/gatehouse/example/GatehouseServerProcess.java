package io.gatehouse.example;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testkit.TestJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real Gatehouse server, {@code server/target/gatehouse-server.jar} (packaged earlier in the reactor), as
 * a process configured by {@code GATEHOUSE_*} variables, on the port it picks and reports in its startup line.
 */
final class GatehouseServerProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path log;
    private final int port;

    private GatehouseServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static GatehouseServerProcess start(Path workDir, Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("gatehouse.server.jar", "../../server/target/gatehouse-server.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: these tests run in a reactor build that packages server first (mvn verify)");
        }
        ProcessBuilder pb =
                new ProcessBuilder(TestJvm.command("-Xmx256m", "-jar", jar.toString())).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().put("GATEHOUSE_SERVER_PORT", "0");
        pb.environment().put("GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "1024");
        pb.environment().put("GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "1");
        pb.environment().putAll(env);
        Path log = Files.createTempFile(workDir, "server-", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        process.getOutputStream().close();
        try {
            int port = await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100))
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
            return new GatehouseServerProcess(process, log, port);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
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

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String log() {
        return read(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
