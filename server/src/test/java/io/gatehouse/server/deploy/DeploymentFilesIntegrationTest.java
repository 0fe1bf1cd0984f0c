package io.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files no test can run here (no container engine, no systemd as PID 1): checked by their
 * own tools where installed, and held to the settings the rest of the suite tests.
 */
class DeploymentFilesIntegrationTest {
    static final Path ROOT = Path.of("..");
    static final Path DEPLOY = ROOT.resolve("deploy");
    /** What a compose Redis may change on the command line: addresses, paths, certificates, replication. */
    static final Set<String> REDIS_FLAGS =
            Set.of("bind", "dir", "tls-cert-file", "tls-key-file", "replicaof", "masteruser", "masterauth");

    @Test
    void composeUsesTheShippedRedisConfigAclAndMonitoringFiles() throws IOException {
        JsonNode services =
                RuleFiles.read(DEPLOY.resolve("compose/compose.yml")).path("services");
        assertThat(fieldNames(services))
                .contains(
                        "redis",
                        "redis-replica",
                        "sentinel1",
                        "sentinel2",
                        "sentinel3",
                        "postgres",
                        "gatehouse",
                        "prometheus",
                        "grafana",
                        "redis-exporter");
        for (String redis : List.of("redis", "redis-replica")) {
            JsonNode s = services.path(redis);
            List<String> command = strings(s.path("command"));
            assertThat(command.subList(0, 2)).containsExactly("redis-server", "/etc/redis/redis.conf");
            for (String arg : command) {
                if (arg.startsWith("--")) {
                    assertThat(REDIS_FLAGS).as(redis + " " + arg).contains(arg.substring(2));
                }
            }
            assertThat(strings(s.path("volumes")))
                    .contains(
                            "../redis/redis.conf:/etc/redis/redis.conf:ro",
                            "./secrets/users.acl:/etc/redis/users.acl:ro");
            assertThat(command).containsSequence("--masteruser", "ops");
        }
        assertThat(String.join(" ", strings(services.path("redis-replica").path("command"))))
                .contains("--replicaof redis 6379");
        assertThat(strings(services.path("redis-exporter").path("command"))).containsSequence("-redis.user", "monitor");

        JsonNode env = services.path("gatehouse").path("environment");
        assertThat(env.path("GATEHOUSE_REDIS_USERNAME").asText()).isEqualTo("gatehouse");
        assertThat(env.path("GATEHOUSE_REDIS_URL").asText())
                .startsWith("rediss-sentinel://")
                .endsWith("#gatehouse");
        assertThat(Files.readString(DEPLOY.resolve("redis/users.acl")))
                .contains("user gatehouse on ")
                .contains("~" + env.path("GATEHOUSE_REDIS_KEY_PREFIX").asText() + ":*");

        for (String mount : strings(services.path("prometheus").path("volumes"))) {
            if (mount.startsWith("../")) {
                assertThat(DEPLOY.resolve("compose").resolve(mount.substring(0, mount.indexOf(':'))))
                        .exists();
            }
        }
        for (String mount : strings(services.path("grafana").path("volumes"))) {
            if (mount.startsWith("../")) {
                assertThat(DEPLOY.resolve("compose").resolve(mount.substring(0, mount.indexOf(':'))))
                        .exists();
            }
        }
        assertThat(strings(services.path("gatehouse").path("ports"))).containsExactly("8080:8080");
    }

    @Test
    void sentinelWatchesAsTheShippedSentinelUserWithTheSameTls() throws IOException {
        String sentinel = Files.readString(DEPLOY.resolve("compose/sentinel.conf"));
        String redis = Files.readString(DEPLOY.resolve("redis/redis.conf"));
        assertThat(sentinel)
                .contains("sentinel auth-user gatehouse sentinel")
                .contains("sentinel monitor gatehouse redis 6379 2")
                .contains("port 0");
        assertThat(Files.readString(DEPLOY.resolve("redis/users.acl"))).contains("user sentinel on ");
        assertThat(line(sentinel, "tls-protocols")).isEqualTo(line(redis, "tls-protocols"));
        assertThat(line(sentinel, "tls-auth-clients")).isEqualTo(line(redis, "tls-auth-clients"));
    }

    @Test
    void dashboardsUseTheProvisionedDatasource() throws IOException {
        JsonNode ds = RuleFiles.read(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources")
                .get(0);
        ObjectMapper json = new ObjectMapper();
        for (String dashboard : List.of("gatehouse.json", "redis.json")) {
            for (JsonNode panel : json.readTree(
                            DEPLOY.resolve("grafana").resolve(dashboard).toFile())
                    .path("panels")) {
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.at("/datasource/uid").asText())
                            .as(dashboard)
                            .isEqualTo(ds.path("uid").asText());
                }
            }
        }
    }

    @Test
    void imageAndUnitRunTheServerAsTheSampleConfigurationSays() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .containsPattern("(?m)^FROM eclipse-temurin:21-jre$")
                .containsPattern("(?m)^USER gatehouse:gatehouse$")
                .contains("/health/live")
                .containsPattern("(?m)^HEALTHCHECK ");
        Properties sample = new Properties();
        sample.load(new StringReader(Files.readString(DEPLOY.resolve("systemd/gatehouse.properties"))));
        String port = sample.getProperty("gatehouse.server.port");
        assertThat(dockerfile)
                .contains("GATEHOUSE_SERVER_PORT=" + port)
                .containsPattern("(?m)^EXPOSE " + port + "$")
                .contains("/dev/tcp/127.0.0.1/" + port);
        assertThat(sample.getProperty("gatehouse.redis.username")).isEqualTo("gatehouse");
        assertThat(sample.getProperty("gatehouse.redis.url")).startsWith("rediss://");
        assertThat(Path.of(sample.getProperty("gatehouse.redis.tls.cert-file")).getFileName())
                .hasToString("gatehouse.crt");
        assertThat(Files.readString(DEPLOY.resolve("redis/users.acl")))
                .contains("~" + sample.getProperty("gatehouse.redis.key-prefix") + ":*");
        String configuration = Files.readString(ROOT.resolve("docs/CONFIGURATION.md"));
        for (String key : sample.stringPropertyNames()) {
            // The Redis table lists its keys relative to gatehouse.redis. (they apply per purpose too).
            String documented =
                    key.startsWith("gatehouse.redis.") ? "| `" + key.substring(16) + "` |" : "`" + key + "`";
            assertThat(configuration).as("documented key " + key).contains(documented);
        }

        String unit = Files.readString(DEPLOY.resolve("systemd/gatehouse.service"));
        assertThat(unit)
                .contains("User=gatehouse")
                .contains("Environment=GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.properties")
                .contains("NoNewPrivileges=yes")
                .contains("ProtectSystem=strict");
        assertThat(sample.getProperty("gatehouse.data-dir")).isEqualTo(line(unit, "ReadWritePaths"));
    }

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Result r = run(List.of(
                "systemd-analyze",
                "verify",
                DEPLOY.resolve("systemd/gatehouse.service").toString()));
        assertThat(r.exit).as(r.out).isZero();
        assertThat(r.out).isBlank();
    }

    @Test
    void composeAcceptsTheFile(@TempDir Path dir) throws Exception {
        List<String> compose = onPath("docker-compose") ? List.of("docker-compose") : List.of("docker", "compose");
        assumeTrue(
                onPath("docker-compose") || run(List.of("docker", "compose", "version")).exit == 0,
                "neither docker-compose nor the docker compose plugin is installed");
        // Every variable the file requires, with a placeholder value.
        StringBuilder env = new StringBuilder();
        for (String line : Files.readAllLines(DEPLOY.resolve("compose/env.example"))) {
            if (line.endsWith("=")) {
                env.append(line).append("placeholder\n");
            }
        }
        Files.writeString(dir.resolve(".env"), env);
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of(
                "-f",
                DEPLOY.resolve("compose/compose.yml").toString(),
                "--env-file",
                dir.resolve(".env").toString(),
                "config",
                "--quiet"));
        Result r = run(command);
        assertThat(r.exit).as(r.out).isZero();
        // Without the secrets it refuses to start instead of running with empty passwords.
        Files.writeString(dir.resolve(".env"), "");
        assertThat(run(command).exit).isNotZero();
    }

    private static String line(String config, String directive) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(directive) + "[ =](.*)$")
                .matcher(config);
        assertThat(m.find()).as(directive).isTrue();
        return m.group(1).strip();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private record Result(int exit, String out) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
