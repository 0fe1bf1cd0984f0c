package io.gatehouse.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running {@code prometheus-redis-exporter} (Debian's redis_exporter) scraping a {@link TlsRedis}
 * as its read-only {@code monitor} user, with the password in the environment ({@code
 * REDIS_PASSWORD}), not on the command line. Stopped by pid on {@link #close()}.
 */
public final class RedisExporter implements AutoCloseable {
    static final String BINARY = "prometheus-redis-exporter";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final ServiceProcess process;
    private final int port;

    private RedisExporter(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the exporter on a free loopback port and waits until its {@code /metrics} answers.
     *
     * @param redis the deployment to scrape
     * @return the running exporter
     */
    public static RedisExporter start(TlsRedis redis) {
        return PortRetry.withFreshPorts(() -> startOnce(redis));
    }

    private static RedisExporter startOnce(TlsRedis redis) {
        Path dir = TempDirs.create();
        int port = FreePorts.next();
        List<String> command = List.of(
                Binaries.locate(BINARY).toString(),
                "-redis.addr",
                "rediss://" + redis.node().host() + ":" + redis.node().port(),
                "-redis.user",
                TlsRedis.MONITOR,
                "-tls-ca-cert-file",
                redis.caCertFile().toString(),
                "-tls-client-cert-file",
                redis.clientCertFile().toString(),
                "-tls-client-key-file",
                redis.clientKeyFile().toString(),
                "-web.listen-address",
                RedisNode.HOST + ":" + port);
        ServiceProcess process = ServiceProcess.start(dir, command, Map.of("REDIS_PASSWORD", redis.monitorPassword()));
        RedisExporter exporter = new RedisExporter(process, port);
        process.awaitHttp(exporter.metricsUrl(), READY_TIMEOUT);
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
        return process.require(metricsUrl());
    }

    /**
     * What it printed so far (it logs scrape errors such as a refused command).
     *
     * @return stdout and stderr
     */
    public String log() {
        return process.log();
    }

    private String metricsUrl() {
        return "http://" + RedisNode.HOST + ":" + port + "/metrics";
    }

    /** Stops it (SIGTERM, then SIGKILL) and deletes its directory. */
    @Override
    public void close() {
        process.close();
    }
}
