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
