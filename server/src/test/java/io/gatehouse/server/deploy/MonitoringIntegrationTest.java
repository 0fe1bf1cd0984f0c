package io.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testkit.PrometheusServer;
import io.gatehouse.testkit.RedisExporter;
import io.gatehouse.testkit.TlsRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped rules and alerts on a real Prometheus that scrapes a real Gatehouse server (in process,
 * on a Redis started from the shipped config, as the shipped ACL user) and redis_exporter (as the
 * {@code monitor} user). One of each for the class; the tests run in order: traffic that fires
 * alerts, then (last) Redis stopped.
 *
 * <p>The rule files are the shipped ones with every {@code for} at 0 s and evaluation every second
 * ({@link RuleFiles#fast}); expressions, windows and thresholds are unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration ALERT_WAIT = Duration.ofSeconds(60);
    static final Path GRAFANA = Path.of("..", "deploy", "grafana");

    /** Alerts the traffic below must not fire (the latency burn is left out: it depends on this machine's load). */
    static final List<String> QUIET = List.of(
            "GatehouseInstanceDown",
            "GatehouseHigh5xxRatio",
            "GatehouseErrorBudgetBurn",
            "GatehouseLoginFailureSpike",
            "GatehouseRevocationLinkStale",
            "GatehouseRedisCircuitOpen",
            "GatehouseEventsDropped",
            "GatehouseEventsSpooling",
            "GatehouseBackupTooOld",
            "RedisDown",
            "RedisMemoryHigh",
            "RedisEvictionsOnAuthPurpose",
            "RedisRejectedConnections");

    TlsRedis redis;
    RedisExporter exporter;
    TestServer server;
    PrometheusServer prometheus;
    Path dataDir;

    @BeforeAll
    void start() throws IOException {
        redis = TlsRedis.start();
        exporter = RedisExporter.start(redis);
        dataDir = Files.createTempDirectory("gatehouse-monitoring");
        Map<String, String> config = new HashMap<>(Map.of(
                "gatehouse.redis.url",
                redis.url(),
                "gatehouse.redis.tls.ca-file",
                redis.caCertFile().toString(),
                "gatehouse.redis.tls.cert-file",
                redis.clientCertFile().toString(),
                "gatehouse.redis.tls.key-file",
                redis.clientKeyFile().toString(),
                // The shared machine can be very loaded; a TLS handshake may wait seconds for the CPU.
                "gatehouse.redis.command-timeout",
                "15s",
                "gatehouse.redis.connect-timeout",
                "20s",
                "gatehouse.sessions.mac-key",
                "bW9uaXRvcmluZy10ZXN0LW1hYy1rZXktMDEyMzQ1Njc4OQ==",
                "gatehouse.sessions.device-key",
                "bW9uaXRvcmluZy10ZXN0LWRldmljZS1rZXktMDEyMzQ1Ng=="));
        // Every retired refresh token presented again is a reuse; one failure per address and account locks.
        config.putAll(Map.of(
                "gatehouse.tokens.refresh.grace",
                "0s",
                "gatehouse.lockout.ip-account.max-failures",
                "1",
                "gatehouse.ratelimit.policy.login-ip.rate",
                "10000/1m",
                "gatehouse.ratelimit.policy.login-account.rate",
                "10000/1m",
                "gatehouse.ratelimit.policy.register-ip.rate",
                "10000/1m"));
        server = TestServer.start(dataDir, config);
        prometheus = PrometheusServer.start(Map.of(
                "prometheus.yml", prometheusConfig(server.server().port(), exporter.port()),
                "rules.yml", RuleFiles.fast(PrometheusRulesIntegrationTest.PROMETHEUS.resolve("rules.yml")),
                "alerts.yml", RuleFiles.fast(PrometheusRulesIntegrationTest.PROMETHEUS.resolve("alerts.yml"))));
        // The counters must be scraped at zero before the traffic, or increase() has no first sample.
        await("both targets scraped")
                .atMost(ALERT_WAIT)
                .until(() -> results("up == 1").size() == 2
                        && !results("gatehouse_lockouts_total").isEmpty()
                        && !results("redis_up").isEmpty());
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, server, exporter, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep stopping the others
            }
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    static String prometheusConfig(int gatehousePort, int exporterPort) {
        return String.join(
                "\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: [rules.yml, alerts.yml]",
                "scrape_configs:",
                "  - job_name: gatehouse",
                "    static_configs: [{targets: ['127.0.0.1:" + gatehousePort + "']}]",
                "  - job_name: redis",
                "    static_configs: [{targets: ['127.0.0.1:" + exporterPort + "'], labels: {purpose: auth}}]",
                "");
    }

    @Test
    @Order(1)
    void refreshReuseAndALockoutSpikeFireTheirAlertsAndNothingElse() {
        String email = "mon-" + System.nanoTime() + "@example.com";
        assertThat(post("/api/v1/auth/register", "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> login =
                post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String first = TestServer.json(login).path("refresh_token").asText();
        String refresh = "{\"refresh_token\":\"" + first + "\"}";
        assertThat(post("/api/v1/auth/refresh", refresh).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/auth/refresh", refresh).statusCode()).isEqualTo(401); // reuse: family revoked

        for (int i = 0; i < 8; i++) {
            HttpResponse<String> failed = post(
                    "/api/v1/auth/login",
                    "{\"email\":\"victim" + i + "@example.com\",\"password\":\"wrong password guess\"}");
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(401);
        }

        await("reuse and lockout alerts firing")
                .atMost(ALERT_WAIT)
                .until(() -> firing().containsAll(Set.of("GatehouseRefreshReuseDetected", "GatehouseLockoutSpike")));
        assertThat(activeAlerts()).as(prometheus.alerts()).doesNotContainAnyElementsOf(QUIET);
    }

    /**
     * Every PromQL expression of the shipped dashboards returns data after the traffic (no dead panel).
     * Recorded series and rates need a few scrapes and rule evaluations after the first request of a
     * route, hence the wait.
     */
    @Test
    @Order(2)
    void everyDashboardExpressionReturnsData() throws IOException {
        List<String> expressions = new java.util.ArrayList<>();
        for (String dashboard : List.of("gatehouse.json", "redis.json")) {
            JsonNode root = JSON.readTree(GRAFANA.resolve(dashboard).toFile());
            for (JsonNode panel : root.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    // Grafana's own interval variable; a minute spans many of this test's 1 s scrapes.
                    expressions.add(dashboard + " / " + panel.path("title").asText() + ": "
                            + target.path("expr").asText().replace("$__rate_interval", "1m"));
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThan(45);
        await("every dashboard expression answering")
                .atMost(ALERT_WAIT)
                .untilAsserted(() -> assertThat(expressions.stream()
                                .filter(e -> results(e.substring(e.indexOf(": ") + 2))
                                        .isEmpty()))
                        .as("expressions without data")
                        .isEmpty());
    }

    @Test
    @Order(3)
    void stoppingRedisFiresRedisDown() {
        assertThat(firing()).doesNotContain("RedisDown");
        redis.node().kill();
        await("RedisDown firing").atMost(ALERT_WAIT).until(() -> firing().contains("RedisDown"));
        assertThat(activeAlerts())
                .doesNotContain("GatehouseInstanceDown", "RedisMemoryHigh", "RedisEvictionsOnAuthPurpose");
    }

    HttpResponse<String> post(String path, String json) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Names of alerts in state firing. */
    Set<String> firing() {
        return alertNames(true);
    }

    /** Names of alerts pending or firing. */
    Set<String> activeAlerts() {
        return alertNames(false);
    }

    private Set<String> alertNames(boolean firingOnly) {
        Set<String> names = new TreeSet<>();
        for (JsonNode alert : parse(prometheus.alerts()).path("data").path("alerts")) {
            if (!firingOnly || alert.path("state").asText().equals("firing")) {
                names.add(alert.path("labels").path("alertname").asText());
            }
        }
        return names;
    }

    /** The result vector of an instant query. */
    JsonNode results(String promql) {
        JsonNode answer = parse(prometheus.query(promql));
        assertThat(answer.path("status").asText()).as(promql + ": " + answer).isEqualTo("success");
        return answer.path("data").path("result");
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
