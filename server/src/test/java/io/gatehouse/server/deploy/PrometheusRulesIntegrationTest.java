package io.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus files through promtool: syntax ({@code check}), every alert's unit tests
 * ({@code test rules}), and every alert tested and given a runbook.
 */
class PrometheusRulesIntegrationTest {
    static final Path PROMETHEUS = Path.of("..", "deploy", "prometheus");

    @Test
    void promtoolAcceptsTheConfigAndTheRules() throws Exception {
        String out =
                promtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
        assertThat(out).contains("SUCCESS: 16 rules found").contains("SUCCESS: 11 rules found");
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() throws Exception {
        assertThat(promtool(
                        "test",
                        "rules",
                        PROMETHEUS.resolve("tests/alerts.test.yml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void everyAlertIsUnitTestedAndHasARunbook() throws IOException {
        String operations = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
        List<String> alerts = RuleFiles.alertNames(PROMETHEUS.resolve("alerts.yml"));
        assertThat(alerts).hasSize(16);
        for (String alert : alerts) {
            assertThat(RuleFiles.expectedFiring(PROMETHEUS.resolve("tests/alerts.test.yml")))
                    .as(alert)
                    .contains(alert);
            assertThat(operations).as("runbook of " + alert).contains("### " + alert);
            assertThat(Files.readString(PROMETHEUS.resolve("alerts.yml")))
                    .contains("runbook: docs/OPERATIONS.md#" + alert.toLowerCase(Locale.ROOT));
        }
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
