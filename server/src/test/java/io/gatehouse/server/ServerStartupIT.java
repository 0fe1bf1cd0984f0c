package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testkit.TestJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process ({@code java io.gatehouse.server.Main} on the test class path, configured through
 * {@code GATEHOUSE_*} variables): what an operator sees when it cannot start, and the data directory it leaves.
 */
class ServerStartupIT {
    @TempDir
    Path dir;

    private final List<Process> started = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void serverExitsWhenItsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = start(Map.of("GATEHOUSE_SERVER_PORT", Integer.toString(taken.getLocalPort())));
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the server exits").isTrue();
            assertThat(p.exitValue()).as(read("out.log")).isEqualTo(2);
            String errors = errorLines();
            assertThat(errors.lines()).as(read("out.log")).hasSize(1);
            assertThat(errors).contains("127.0.0.1:" + taken.getLocalPort()).contains("gatehouse.server.port");
            assertThat(Files.readString(dir.resolve("out.log")))
                    .doesNotContain("Gatehouse listening")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void secondInstanceOnTheSameDataDirectoryIsRefusedInOneLine() throws Exception {
        Process first = start(Map.of("GATEHOUSE_SERVER_PORT", "0"));
        await().atMost(Duration.ofSeconds(60)).until(() -> read("out.log").contains("Gatehouse listening"));
        Process second = start(Map.of("GATEHOUSE_SERVER_PORT", "0"), "second.log");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(read("second.log")).isEqualTo(2);
        String log = read("second.log");
        assertThat(log).doesNotContain("\tat ").doesNotContain("\\tat ");
        List<String> errors =
                log.lines().filter(l -> l.contains("\"level\":\"ERROR\"")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("gatehouse.data-dir").contains("in use by another Gatehouse instance");
        assertThat(first.isAlive()).isTrue();
    }

    @Test
    void dataDirectoryIsPrivate() throws Exception {
        start(Map.of("GATEHOUSE_SERVER_PORT", "0"));
        await().atMost(Duration.ofSeconds(60)).until(() -> read("out.log").contains("Gatehouse listening"));
        Path data = dir.resolve("data");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        try (var files = Files.list(data)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular)
                    .extracting(p -> p.getFileName().toString())
                    .contains("users.mv.db")
                    .noneMatch(n -> n.endsWith(".trace.db"));
            for (Path f : regular) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .as(f.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void signingKeysInRedisNeedTheKeyEncryptionKey() throws Exception {
        // The check runs before Redis is contacted: no Redis is needed to see the refusal.
        Process p = start(Map.of("GATEHOUSE_REDIS_URL", "redis://127.0.0.1:1"));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(read("out.log")).isEqualTo(2);
        assertThat(errorLines())
                .contains("gatehouse.tokens.keys.encryption-key")
                .contains("gatehouse.development.plaintext-keys");
    }

    @Test
    void anHttpIssuerBeyondLoopbackIsWarnedAbout() throws Exception {
        start(Map.of("GATEHOUSE_SERVER_PORT", "0", "GATEHOUSE_SERVER_HOST", "0.0.0.0"));
        await().atMost(Duration.ofSeconds(60)).until(() -> read("out.log").contains("Gatehouse listening"));
        assertThat(read("out.log")
                        .lines()
                        .filter(l -> l.contains("\"level\":\"WARN\""))
                        .filter(l -> l.contains("plain http")))
                .hasSize(1);
    }

    private Process start(Map<String, String> env) {
        return start(env, "out.log");
    }

    private Process start(Map<String, String> env, String logName) {
        // The server's own logback.xml (JSON lines), not the core tests' logback-test.xml on the same class path.
        String logback = Main.class.getClassLoader().getResource("logback.xml").toString();
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(
                        "-Xmx128m",
                        "-Dlogback.configurationFile=" + logback,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName()))
                .directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().put("GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "1024");
        pb.environment().put("GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "1");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(logName).toFile());
        try {
            Process p = pb.start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    private String errorLines() throws IOException {
        return String.join(
                "\n",
                read("out.log")
                        .lines()
                        .filter(l -> l.contains("\"level\":\"ERROR\""))
                        .toList());
    }
}
