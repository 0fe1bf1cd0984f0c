package io.gatehouse.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads the shipped Prometheus rule files and derives the fast variant the live tests load. */
final class RuleFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RuleFiles() {}

    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The alert names of a rule file, in order. */
    static List<String> alertNames(Path rules) {
        List<String> names = new ArrayList<>();
        for (JsonNode group : read(rules).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    names.add(rule.path("alert").asText());
                }
            }
        }
        return names;
    }

    /** Alerts that a promtool test file expects to fire at least once. */
    static Set<String> expectedFiring(Path tests) {
        Set<String> names = new TreeSet<>();
        for (JsonNode test : read(tests).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                if (!check.path("exp_alerts").isEmpty()) {
                    names.add(check.path("alertname").asText());
                }
            }
        }
        return names;
    }

    /**
     * The shipped rule file for a live test: every {@code for} becomes {@code 0s} and every group is
     * evaluated each second, so an alert fires within seconds of its condition; the expressions, windows
     * and thresholds stay as shipped.
     */
    static String fast(Path rules) {
        JsonNode root = read(rules).deepCopy();
        for (JsonNode group : root.path("groups")) {
            ((ObjectNode) group).put("interval", "1s");
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("for")) {
                    ((ObjectNode) rule).put("for", "0s");
                }
            }
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
