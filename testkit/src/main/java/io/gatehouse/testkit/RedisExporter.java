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
import java.util.concurrent.TimeUnit;

/**
 * A running {@code prometheus-redis-exporter} (Debian's redis_exporter) scraping a {@link TlsRedis}
 * as its read-only {@code monitor} user, with the password in the environment ({@code
 * REDIS_PASSWORD}), not on the command line. Stopped by pid on {@link #close()}.
 */
public final class RedisExporter implements AutoCloseable {
  static final String BINARY = "prometheus-redis-exporter";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path dir;
  private final int port;

  private RedisExporter(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts the exporter on a free loopback port and waits until its {@code /metrics} answers.
   *
   * @param redis the deployment to scrape
   * @return the running exporter
   */
  public static RedisExporter start(TlsRedis redis) {
    PidRegistry.reapOrphansOnce();
    Path dir = TempDirs.create();
    int port = FreePorts.next();
    List<String> command =
        List.of(
            Binaries.locate(BINARY).toString(),
            "-redis.addr", "rediss://" + redis.node().host() + ":" + redis.node().port(),
            "-redis.user", TlsRedis.MONITOR,
            "-tls-ca-cert-file", redis.caCertFile().toString(),
            "-tls-client-cert-file", redis.clientCertFile().toString(),
            "-tls-client-key-file", redis.clientKeyFile().toString(),
            "-web.listen-address", RedisNode.HOST + ":" + port);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(LogTail.STDOUT_FILE).toFile());
    builder.environment().put("REDIS_PASSWORD", redis.monitorPassword());
    Process process;
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      TempDirs.deleteRecursively(dir);
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
    PidRegistry.register(process.toHandle(), dir);
    RedisExporter exporter = new RedisExporter(process, dir, port);
    try {
      Poll.until(
          BINARY + " on port " + port,
          READY_TIMEOUT,
          () -> {
            if (!process.isAlive()) {
              throw new IllegalStateException(BINARY + " exited: " + exporter.log());
            }
            return exporter.scrapeOrNull() == null ? "no /metrics yet" : null;
          });
    } catch (RuntimeException e) {
      exporter.close();
      throw e;
    }
    return exporter;
  }

  /**
   * The port of its HTTP listener on {@code 127.0.0.1}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The Prometheus text exposition it serves now.
   *
   * @return the body of {@code GET /metrics}
   * @throws IllegalStateException if it does not answer 200
   */
  public String scrape() {
    String body = scrapeOrNull();
    if (body == null) {
      throw new IllegalStateException(BINARY + " did not answer /metrics: " + log());
    }
    return body;
  }

  /**
   * What it printed so far (it logs scrape errors such as a refused command).
   *
   * @return stdout and stderr
   */
  public String log() {
    try {
      return Files.readString(dir.resolve(LogTail.STDOUT_FILE));
    } catch (IOException e) {
      return "";
    }
  }

  private String scrapeOrNull() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + RedisNode.HOST + ":" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping " + BINARY, e);
    }
  }

  /** Stops it (SIGTERM, then SIGKILL) and deletes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
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
