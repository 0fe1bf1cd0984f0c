package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running helper program with an HTTP endpoint (Prometheus, redis_exporter) in its own
 * temporary directory: output to {@code stdout.log} there, pid recorded so a killed JVM's orphan
 * is reaped, stopped by pid (SIGTERM, then SIGKILL) and its directory deleted on {@link #close()}.
 */
final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path dir;

    private ServiceProcess(String name, Process process, Path dir) {
        this.name = name;
        this.process = process;
        this.dir = dir;
    }

    /** Starts {@code command} in {@code dir} (a {@link TempDirs} directory it then owns). */
    static ServiceProcess start(Path dir, List<String> command, Map<String, String> environment) {
        PidRegistry.reapOrphansOnce();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(LogTail.STDOUT_FILE).toFile());
            builder.environment().putAll(environment);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            TempDirs.deleteRecursively(dir);
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        PidRegistry.register(process.toHandle(), dir);
        return new ServiceProcess(Path.of(command.get(0)).getFileName().toString(), process, dir);
    }

    /**
     * Waits until {@code url} answers 200; closes the process and throws if it does not in time, a
     * {@link PortClashException} when it exited because its port was taken (the caller retries).
     */
    void awaitHttp(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // Alive is checked before each call, so an answer from whoever took a port we lost does not count.
            while (!process.isAlive() || get(url) == null) {
                if (!process.isAlive()) {
                    throw exited();
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for " + name
                            + " answering " + url + ": " + log());
                }
                Poll.sleep(Poll.INTERVAL);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private IllegalStateException exited() {
        String log = log();
        // Another JVM (a second test fork, another build) took the port after FreePorts chose it.
        if (log.toLowerCase(Locale.ROOT).contains("address already in use")) {
            return new PortClashException(name + " could not bind its port: " + log);
        }
        return new IllegalStateException(name + " exited: " + log);
    }

    /** The body of {@code GET url} when it answers 200, else null. */
    static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + url, e);
        }
    }

    /** Like {@link #get} but throws, with the program's log, when there is no 200 answer. */
    String require(String url) {
        String body = get(url);
        if (body == null) {
            throw new IllegalStateException(name + " did not answer " + url + ": " + log());
        }
        return body;
    }

    String log() {
        try {
            return Files.readString(dir.resolve(LogTail.STDOUT_FILE));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PidRegistry.unregister(process.pid());
        TempDirs.deleteRecursively(dir);
    }
}
