package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.RedisNode;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse backup create | list | verify | restore | prune} as an operator runs them, exit codes included. */
class BackupCliIntegrationTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static synchronized Run gatehouse(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(
                    args,
                    new Cli(
                            new java.io.PrintWriter(System.out, true),
                            new java.io.PrintWriter(System.err, true),
                            java.io.InputStream.nullInputStream(),
                            System.getenv(),
                            Cli.OPEN));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void createListVerifyRestorePrune() throws Exception {
        RedisDeployment redis = SharedRedis.get(Topology.STANDALONE);
        redis.flushAll();
        RedisNode node = redis.masters().get(0);
        node.cli("SET", "gatehouse:s:{alice}", "session", "EX", "3600");
        node.cli("SET", "gatehouse:rev:{log}:token", "revoked");
        try (GpgKeys keys = GpgKeys.generate("cli")) {
            Path config = tmp.resolve("gatehouse.properties");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "gatehouse.redis.url=" + redis.url(),
                            "gatehouse.backup.target=" + tmp.resolve("backups"),
                            "gatehouse.backup.public-key=" + keys.publicKey(),
                            "gatehouse.backup.secret-key=" + keys.secretKey(),
                            "gatehouse.backup.work-dir=" + tmp.resolve("work")));
            String c = config.toString();

            Run create = gatehouse("backup", "create", "--config", c, "--quiet");
            assertThat(create.exit()).as(create.err()).isZero();
            String id = create.out().split("\\s+")[0];
            assertThat(create.out()).contains("2 keys");

            assertThat(gatehouse("backup", "list", "--config", c).out()).contains(id);

            Run verify = gatehouse("backup", "verify", id, "--config", c, "--quiet");
            assertThat(verify.exit()).as(verify.out()).isZero();
            assertThat(verify.out()).contains("redis-check-rdb ok").contains(id + ": verified");

            Run refused = gatehouse("backup", "restore", id, "--to", redis.url(), "--config", c, "--quiet");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("already exist")
                    .contains("--replace")
                    .doesNotContain("Exception");

            redis.flushAll();
            Run restore = gatehouse("backup", "restore", id, "--to", redis.url(), "--config", c, "--quiet");
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(restore.out()).contains("2 keys restored");
            assertThat(node.cli("GET", "gatehouse:rev:{log}:token").trim()).isEqualTo("revoked");

            Run noAof = gatehouse("backup", "restore", id, "--to", redis.url(), "--from", "aof", "--config", c);
            assertThat(noAof.exit()).isEqualTo(1);
            assertThat(noAof.err()).contains("has no AOF").doesNotContain("Exception");
            Run badFrom = gatehouse("backup", "restore", id, "--to", redis.url(), "--from", "disk", "--config", c);
            assertThat(badFrom.exit()).isEqualTo(2);
            assertThat(badFrom.err()).startsWith("gatehouse backup: --from");
            // The shared test server runs without AOF: refused with one line, before anything is paused.
            Run aofOff = gatehouse("backup", "create", "--aof-dir", tmp.toString(), "--config", c, "--quiet");
            assertThat(aofOff.exit()).isEqualTo(1);
            assertThat(aofOff.err())
                    .startsWith("gatehouse backup: --aof-dir " + tmp)
                    .contains("appendonly no")
                    .doesNotContain("Exception");

            Run prune = gatehouse("backup", "prune", "--dry-run", "--config", c);
            assertThat(prune.exit()).isZero();
            assertThat(prune.out()).contains("1 kept, 0 to delete");

            Run unknown = gatehouse("backup", "verify", "19990101T000000Z-default", "--config", c, "--quiet");
            assertThat(unknown.exit()).isEqualTo(1);

            Run badPurpose = gatehouse("backup", "create", "--purpose", "nope", "--config", c);
            assertThat(badPurpose.exit()).isEqualTo(2);
            assertThat(badPurpose.err())
                    .startsWith("gatehouse backup: --purpose")
                    .doesNotContain("Exception");
        }
    }
}
