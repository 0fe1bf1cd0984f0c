package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The users of the shipped {@code deploy/redis/users.acl}, on a server started from the shipped
 * {@code redis.conf} (testkit's TLS topology): each may do its job and nothing else.
 */
@ExtendWith(RedisExtension.class)
class ShippedAclIntegrationTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "FLUSHALL",
                "FLUSHDB",
                "CONFIG GET maxmemory",
                "CONFIG SET maxmemory 1",
                "KEYS *",
                "DEBUG SLEEP 0",
                "SHUTDOWN",
                "ACL LIST",
                "MONITOR",
                "SCRIPT FLUSH",
                "CLIENT KILL ID 1",
                "GET other:key",
                "SET other:key 1",
                "EXISTS other:key",
                "PUBLISH other:channel x",
                "MIGRATE 127.0.0.1 1 gatehouse:x 0 1"
            })
    void gatehouseIsRefusedWhatGatehouseNeverSends(String command, TlsRedis redis) {
        CommandRunner.Result result = as(redis, TlsRedis.USERNAME, command.split(" "));
        assertThat(result.ok()).as(command).isFalse();
        // DEBUG is also off server-wide (enable-debug-command no), which answers before the ACL does;
        // ACL DRYRUN shows the ACL alone refuses it too.
        assertThat(result.stdout() + result.stderr())
                .as(command)
                .contains(command.startsWith("DEBUG") ? "DEBUG command not allowed" : "NOPERM");
        List<String> dryRun = new ArrayList<>(List.of("ACL", "DRYRUN", TlsRedis.USERNAME));
        dryRun.addAll(List.of(command.split(" ")));
        assertThat(redis.node().cli(dryRun.toArray(String[]::new))).as(command).contains("no permissions");
    }

    @Test
    void gatehouseRunsScriptsThatReadTheServerClockOnItsKeys(TlsRedis redis) {
        String script = "local t = redis.call('TIME') redis.call('SET', KEYS[1], t[1]) return 1";
        String sha = RedisCli.checked(redis.node().port(), redis.cliArgsAs("gatehouse"), "SCRIPT", "LOAD", script);
        assertThat(as(redis, TlsRedis.USERNAME, "EVALSHA", sha, "1", "gatehouse:acl:clock")
                        .stdout()
                        .trim())
                .isEqualTo("1");
        // A script is held to the same ACL as the user that runs it.
        CommandRunner.Result outside = as(redis, TlsRedis.USERNAME, "EVALSHA", sha, "1", "other:clock");
        assertThat(outside.ok()).isFalse();
        assertThat(outside.stdout() + outside.stderr()).contains("NOPERM");
    }

    @Test
    void opsTakesAnRdbBackupOverTheNetworkWithTheSecretInTheEnvironment(TlsRedis redis, @TempDir Path dir)
            throws IOException {
        redis.node().cli("SET", "gatehouse:backup:probe", "present");
        Path rdb = dir.resolve("dump.rdb");
        List<String> command = new ArrayList<>();
        command.add(Binaries.locate(Binaries.REDIS_CLI).toString());
        command.addAll(List.of(
                "-h", RedisNode.HOST, "-p", Integer.toString(redis.node().port())));
        command.addAll(redis.redisCliTlsArgs());
        command.addAll(List.of("--user", TlsRedis.OPS, "--rdb", rdb.toString()));
        CommandRunner.Result result =
                CommandRunner.run(command, Map.of("REDISCLI_AUTH", redis.opsPassword()), RedisCli.TIMEOUT);
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(String.join(" ", result.command())).doesNotContain(redis.opsPassword());
        byte[] bytes = Files.readAllBytes(rdb);
        assertThat(new String(bytes, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("REDIS");
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("gatehouse:backup:probe");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET gatehouse:x", "SET gatehouse:x 1", "FLUSHALL", "CONFIG SET save 1", "KEYS *"})
    void opsReadsNoKeysAndChangesNothing(String command, TlsRedis redis) {
        CommandRunner.Result result = as(redis, TlsRedis.OPS, command.split(" "));
        assertThat(result.ok()).as(command).isFalse();
        assertThat(result.stdout() + result.stderr()).contains("NOPERM");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET gatehouse:x", "SET gatehouse:x 1", "FLUSHALL", "CONFIG SET save 1", "SYNC", "KEYS *"})
    void monitorOnlyReadsServerState(String command, TlsRedis redis) {
        CommandRunner.Result result = as(redis, TlsRedis.MONITOR, command.split(" "));
        assertThat(result.ok()).as(command).isFalse();
        assertThat(result.stdout() + result.stderr()).contains("NOPERM");
        assertThat(as(redis, TlsRedis.MONITOR, "INFO", "memory").stdout()).contains("maxmemory:");
    }

    @Test
    void monitorFeedsRedisExporterWithoutARefusedCommand(TlsRedis redis) {
        redis.node().cli("ACL", "LOG", "RESET");
        try (RedisExporter exporter = RedisExporter.start(redis)) {
            String metrics = exporter.scrape();
            assertThat(metrics).contains("redis_up 1");
            assertThat(metrics).containsPattern("redis_memory_max_bytes \\d");
            assertThat(metrics).containsPattern("redis_connected_clients \\d");
            assertThat(redis.node().cli("ACL", "LOG")).doesNotContain(TlsRedis.MONITOR);
            assertThat(exporter.log()).doesNotContain("NOPERM");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "PING",
                "INFO",
                "ROLE",
                "SUBSCRIBE __sentinel__:hello",
                "PUBLISH __sentinel__:hello x",
                "REPLICAOF NO ONE",
                "CONFIG REWRITE",
                "CLIENT KILL ID 1",
                "MULTI",
                "EXEC",
                "SCRIPT KILL"
            })
    void sentinelMayRunWhatSentinelSendsToAMaster(String command, TlsRedis redis) {
        List<String> dryRun = new ArrayList<>(List.of("ACL", "DRYRUN", TlsRedis.SENTINEL));
        dryRun.addAll(List.of(command.split(" ")));
        assertThat(redis.node().cli(dryRun.toArray(String[]::new))).as(command).isEqualTo("OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET gatehouse:x", "FLUSHALL", "SUBSCRIBE gatehouse:cache", "CONFIG SET save 1"})
    void sentinelReadsNoKeysAndOtherChannels(String command, TlsRedis redis) {
        List<String> dryRun = new ArrayList<>(List.of("ACL", "DRYRUN", TlsRedis.SENTINEL));
        dryRun.addAll(List.of(command.split(" ")));
        assertThat(redis.node().cli(dryRun.toArray(String[]::new))).as(command).contains("no permissions");
    }

    @Test
    void theDefaultUserIsOff(TlsRedis redis) {
        assertThat(redis.node().cli("ACL", "GETUSER", "default")).contains("off");
    }

    private static CommandRunner.Result as(TlsRedis redis, String user, String... args) {
        return RedisCli.run(redis.node().port(), redis.cliArgsAs(user), RedisCli.TIMEOUT, args);
    }
}
