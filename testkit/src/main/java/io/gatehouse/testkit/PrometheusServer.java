package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port with its
 * configuration, rule files and TSDB in a temporary directory; stopped by pid on {@link #close()}.
 * Its HTTP API answers raw JSON (the testkit has no JSON library; callers parse it).
 */
public final class PrometheusServer implements AutoCloseable {
    static final String BINARY = "prometheus";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final ServiceProcess process;
    private final int port;

    private PrometheusServer(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Writes {@code files} (name to content: {@code prometheus.yml} and the rule files it names by
     * relative path) into a new directory and starts Prometheus on them, waiting until it is ready.
     *
     * @param files the configuration; must contain {@code prometheus.yml}
     * @return the running server
     */
    public static PrometheusServer start(Map<String, String> files) {
        if (!files.containsKey("prometheus.yml")) {
            throw new IllegalArgumentException("files must contain prometheus.yml");
        }
        return PortRetry.withFreshPorts(() -> startOnce(files));
    }

    private static PrometheusServer startOnce(Map<String, String> files) {
        Path dir = TempDirs.create();
        int port = FreePorts.next();
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
        } catch (IOException e) {
            TempDirs.deleteRecursively(dir);
            throw new UncheckedIOException("cannot write the configuration of " + BINARY, e);
        }
        List<String> command = List.of(
                Binaries.locate(BINARY).toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + RedisNode.HOST + ":" + port,
                "--log.level=warn");
        PrometheusServer server = new PrometheusServer(ServiceProcess.start(dir, command, Map.of()), port);
        server.process.awaitHttp(server.url() + "/-/ready", READY_TIMEOUT);
        return server;
    }

    /**
     * Its base URL.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://" + RedisNode.HOST + ":" + port;
    }

    /**
     * An instant query ({@code /api/v1/query}).
     *
     * @param promql the expression
     * @return the JSON answer
     */
    public String query(String promql) {
        return process.require(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /**
     * The alerts now pending or firing ({@code /api/v1/alerts}).
     *
     * @return the JSON answer
     */
    public String alerts() {
        return process.require(url() + "/api/v1/alerts");
    }

    /**
     * The scrape targets and their health ({@code /api/v1/targets}).
     *
     * @return the JSON answer
     */
    public String targets() {
        return process.require(url() + "/api/v1/targets");
    }

    /**
     * What Prometheus logged so far.
     *
     * @return its output
     */
    public String log() {
        return process.log();
    }

    /** Stops it (SIGTERM, then SIGKILL) and deletes its directory. */
    @Override
    public void close() {
        process.close();
    }
}
