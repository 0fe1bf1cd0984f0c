package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived helper program (redis-cli, openssl) and captures its output. */
final class CommandRunner {

    /** Exit code and both output streams of a finished command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** For exception messages: the command (secrets masked) and everything it printed. */
        String describe() {
            return CommandRunner.describe(command)
                    + " exited with "
                    + exitCode
                    + (stderr.isBlank() ? "" : "; stderr: " + stderr.trim())
                    + (stdout.isBlank() ? "" : "; stdout: " + stdout.trim());
        }
    }

    private CommandRunner() {}

    /** Runs {@code command}; a command still running after {@code timeout} is killed and reported. */
    static Result run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    /** Like {@link #run(List, Duration)} with extra environment variables (for secrets kept off argv). */
    static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + describe(command), e);
        }
        // Both streams are drained concurrently so a full stderr pipe can never block the child.
        Future<String> stderr = Parallel.submit(() -> read(process.getErrorStream()));
        Future<String> stdout = Parallel.submit(() -> read(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        describe(command) + " did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + describe(command), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the output of " + describe(command), e);
        }
    }

    /** The command line with the value after {@code --pass}/{@code -a} replaced, for messages. */
    static String describe(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        for (int i = 0; i < shown.size() - 1; i++) {
            if (shown.get(i).equals("--pass") || shown.get(i).equals("-a")) {
                shown.set(i + 1, "****");
            }
        }
        return String.join(" ", shown);
    }

    private static String read(InputStream stream) throws IOException {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
