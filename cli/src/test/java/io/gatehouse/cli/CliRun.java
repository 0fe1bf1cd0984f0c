package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/** Runs the CLI in this process with captured streams. */
final class CliRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    private CliRun() {}

    /**
     * The configuration of an in-process command test on {@code backend}: a private H2 database, cheap hashing,
     * and a short revocation read block (closing a Gatehouse waits for the reader's blocking read to return).
     */
    static GatehouseConfig config(io.gatehouse.testing.Backend backend, java.nio.file.Path dir) {
        return backend.configBuilder()
                .dataDir(dir)
                .set("gatehouse.db.url", "jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                .build();
    }

    /** On a Gatehouse the test keeps (and closes). */
    static Result on(Gatehouse gh, String stdin, String... args) {
        return run(c -> gh, Map.of("USER", "tester"), stdin, args);
    }

    static Result run(
            Function<GatehouseConfig, Gatehouse> opener, Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(
                args,
                new Cli(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        env,
                        opener));
        return new Result(code, out.toString(), err.toString());
    }
}
