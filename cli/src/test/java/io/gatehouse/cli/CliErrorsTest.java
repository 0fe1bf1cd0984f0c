package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cli.CliRun.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented exit codes and one-line messages, with the real opener (as the launcher runs it). */
class CliErrorsTest {
    @TempDir
    Path dir;

    private static Result run(Map<String, String> env, String... args) {
        return CliRun.run(Cli.OPEN, env, "", args);
    }

    private static void oneLine(Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ").contains(fragments);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadArgumentIsUsageExitTwo() {
        oneLine(run(Map.of(), "users", "list", "--limit", "many"), 2, "--limit", "many");
        oneLine(run(Map.of(), "no-such-command"), 2, "no-such-command");
        oneLine(run(Map.of(), "users", "list", "--output", "yaml"), 2, "yaml");
    }

    @Test
    void aMissingConfigurationFileIsExitTwoNamingIt() {
        Path missing = dir.resolve("missing.properties");
        oneLine(run(Map.of(), "--config", missing.toString(), "health"), 2, "missing.properties", "--config");
        oneLine(run(Map.of("GATEHOUSE_CONFIG", missing.toString()), "health"), 2, "GATEHOUSE_CONFIG");
    }

    @Test
    void aBadSettingIsExitTwoNamingTheKey() throws IOException {
        Path file = dir.resolve("gatehouse.properties");
        Files.writeString(file, "gatehouse.db.pool-size=0\ngatehouse.data-dir=" + dir + "\n");
        oneLine(run(Map.of(), "health", "--config", file.toString()), 2, "gatehouse.db.pool-size");
    }

    @Test
    void anUnreachableRedisIsExitThree() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path file = dir.resolve("gatehouse.properties");
        Files.writeString(
                file, "gatehouse.redis.url=redis://127.0.0.1:" + port + "\ngatehouse.redis.connect-timeout=500ms\n");
        oneLine(
                run(Map.of(), "--config", file.toString(), "sessions", "list", "ann@example.com"),
                3,
                "Cannot connect to Redis",
                "gatehouse.redis.url");
        Result verbose = run(Map.of(), "--config", file.toString(), "health", "--verbose");
        assertThat(verbose.code()).isEqualTo(3);
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void helpShowsExamplesAndExitCodes() {
        Result top = run(Map.of(), "--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("Exit codes:").contains("users").contains("completion");
        for (String group : new String[] {
            "health", "stats", "sessions", "tokens", "keys", "ratelimit", "lockout", "cache", "events", "users"
        }) {
            Result r = run(Map.of(), group, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).as(group).contains("Examples:").contains("gatehouse " + group);
        }
        Result completion = run(Map.of(), "completion");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("complete").contains("gatehouse");
    }
}
