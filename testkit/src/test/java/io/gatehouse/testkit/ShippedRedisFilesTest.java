package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped {@code deploy/redis} files against the code and the docs (no Redis needed). */
class ShippedRedisFilesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern LUA_CALL =
            Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'(?:\\s*,\\s*'([A-Za-z]+)')?");

    @Test
    void docsShowTheAclFileVerbatim() throws IOException {
        String docs = Files.readString(ROOT.resolve("docs/REDIS.md"));
        int start = docs.indexOf("```acl\n");
        assertThat(start).as("docs/REDIS.md has an ```acl block").isNotNegative();
        String block = docs.substring(start + 7, docs.indexOf("```", start + 7));
        assertThat(block).isEqualTo(Files.readString(ROOT.resolve("deploy/redis/users.acl")));
        assertThat(ShippedRedisConfig.usersAcl()).isEqualTo(block);
    }

    @Test
    void theGatehouseUserMayRunEveryCommandTheLuaScriptsCall() throws IOException {
        Set<String> allowed = allowedCommands("gatehouse");
        Set<String> called = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("core/src/main/resources"))) {
            for (Path lua : files.filter(f -> f.toString().endsWith(".lua")).toList()) {
                Matcher m = LUA_CALL.matcher(Files.readString(lua));
                while (m.find()) {
                    String command = m.group(1).toLowerCase(Locale.ROOT);
                    // Container commands (XINFO STREAM) are granted per subcommand.
                    called.add(
                            m.group(2) != null && command.equals("xinfo")
                                    ? command + "|" + m.group(2).toLowerCase(Locale.ROOT)
                                    : command);
                }
            }
        }
        assertThat(called).contains("time", "xadd", "xinfo|stream").hasSizeGreaterThan(20);
        assertThat(allowed).containsAll(called);
        assertThat(allowed).contains("evalsha", "eval", "script|load", "xread", "ping", "info");
    }

    @Test
    void onlyTheGatehouseUserCanUseKeysOrChannelsAndTheDefaultUserIsOff() {
        for (String line : ShippedRedisConfig.usersAcl().strip().split("\n")) {
            List<String> rules = Arrays.asList(line.split(" "));
            boolean keys = rules.stream().anyMatch(r -> r.startsWith("~") || r.equals("allkeys"));
            // default has the prefix and @write only for the AOF loader (see docs/REDIS.md); nobody can log in as it.
            // restore writes the prefix's keys with RESTORE only (backup restore).
            assertThat(keys)
                    .as(line)
                    .isEqualTo(List.of("gatehouse", "default", "restore").contains(rules.get(1)));
            // Sentinel needs its hello channel and no other.
            assertThat(rules.stream().filter(r -> r.startsWith("&")).toList())
                    .as(line)
                    .isSubsetOf("&gatehouse:*", "&__sentinel__:hello");
            assertThat(rules).as(line).contains("-@all").doesNotContain("+@all", "nopass", "allkeys", "~*");
        }
        assertThat(ShippedRedisConfig.usersAcl().lines().findFirst().orElseThrow())
                .isEqualTo(
                        "user default off resetpass resetkeys resetchannels ~gatehouse:* &gatehouse:* -@all +@write");
        assertThat(allowedCommands("gatehouse")).contains("time").doesNotContain("keys", "flushall", "config", "debug");
        assertThat(allowedCommands("ops")).contains("sync", "psync");
        assertThat(allowedCommands("restore"))
                .contains("restore", "exists", "dbsize")
                .doesNotContain("get", "dump", "sync", "scan", "del", "flushall");
        assertThat(allowedCommands("monitor")).contains("info").doesNotContain("sync", "psync", "get");
        assertThat(allowedCommands("sentinel"))
                .contains("replicaof", "subscribe")
                .doesNotContain("get", "sync");
    }

    @Test
    void theShippedConfigIsHardenedAndTestsChangeOnlyPortsPathsAndCertificates() {
        Map<String, String> shipped = directives(ShippedRedisConfig.redisConf());
        assertThat(shipped)
                .containsEntry("protected-mode", "yes")
                .containsEntry("port", "0")
                .containsEntry("tls-auth-clients", "yes")
                .containsEntry("tls-protocols", "\"TLSv1.2 TLSv1.3\"")
                .containsEntry("maxmemory-policy", "noeviction")
                .containsEntry("appendonly", "yes")
                .containsEntry("appendfsync", "everysec")
                .containsEntry("enable-debug-command", "no")
                .containsKeys("aclfile", "tls-ciphers", "tls-ciphersuites", "maxmemory")
                .doesNotContainKeys("requirepass", "rename-command", "user");
        Map<String, String> rendered =
                directives(ShippedRedisConfig.render(Map.of("port", "0", "tls-port", "7000", "dir", "/tmp/x")));
        for (String directive : shipped.keySet()) {
            if (!ShippedRedisConfig.TEMPLATED.contains(directive)) {
                assertThat(rendered.get(directive)).as(directive).isEqualTo(shipped.get(directive));
            }
        }
        assertThat(rendered).containsEntry("tls-port", "7000").containsEntry("dir", "/tmp/x");
    }

    /** The commands (and container|subcommands) a user line of users.acl grants. */
    static Set<String> allowedCommands(String user) {
        String line = Arrays.stream(ShippedRedisConfig.usersAcl().split("\n"))
                .filter(l -> l.startsWith("user " + user + " "))
                .findFirst()
                .orElseThrow();
        return Arrays.stream(line.split(" "))
                .filter(r -> r.startsWith("+") && !r.startsWith("+@"))
                .map(r -> r.substring(1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> directives(String config) {
        return Arrays.stream(config.split("\n"))
                .filter(l -> ShippedRedisConfig.directiveOf(l) != null)
                .collect(Collectors.toMap(
                        ShippedRedisConfig::directiveOf,
                        l -> l.strip().contains(" ")
                                ? l.strip().substring(l.strip().indexOf(' ') + 1)
                                : "",
                        (a, b) -> a + "\n" + b));
    }
}
