package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create --aof-dir} on a Redis 7 with {@code appendonly yes}: the multi-part AOF (manifest, base
 * and incremental files, state in both) is copied while automatic rewrites are off and put back to the
 * operator's value afterwards, verified by loading it into a scratch server, and restored into the
 * flushed server, after which the library finds its state again.
 */
class BackupAofIntegrationTest {
    private static final String REWRITE = "auto-aof-rewrite-percentage";

    @TempDir
    Path tmp;

    @Test
    void theMultiPartAofIsCopiedWithRewritesPausedVerifiedAndRestored() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start("appendonly yes", REWRITE + " 77");
                GpgKeys keys = GpgKeys.generate("aof")) {
            GatehouseConfig config = Fixture.config(redis, tmp);
            try (Fixture f = Fixture.open(config)) {
                f.populate();
            }
            // A rewrite moves that state into a new base file; what follows goes to the incremental file.
            redis.node().cli("BGREWRITEAOF");
            await().until(() -> {
                String p = redis.node().cli("INFO", "persistence");
                return p.contains("aof_rewrite_in_progress:0") && p.contains("aof_rewrite_scheduled:0");
            });
            Fixture.State state;
            try (Fixture f = Fixture.open(config)) {
                state = f.populate();
            }
            // Taken before the TTLs are read: the time reading them takes counts as elapsed.
            long beforeAt = System.nanoTime();
            Map<String, Long> before = Fixture.ttls(redis);

            List<String> rewriteWhileCopying = new CopyOnWriteArrayList<>();
            Progress watch = (step, done, total) -> {
                if (step.startsWith("copy AOF")) {
                    rewriteWhileCopying.add(rewriteSetting(redis));
                }
            };
            try (Backups backups = Backups.builder()
                    .config(config)
                    .target(BackupTarget.local(tmp.resolve("backups")))
                    .publicKey(keys.publicKey())
                    .secretKey(keys.secretKey())
                    .workDir(tmp)
                    .progress(watch)
                    .build()) {
                Manifest m = backups.create(
                                Optional.empty(), Optional.of(redis.node().dir().resolve("appendonlydir")))
                        .get(0);

                assertThat(rewriteWhileCopying).isNotEmpty().containsOnly("0");
                assertThat(rewriteSetting(redis)).as("restored after the copy").isEqualTo("77");
                assertThat(m.aof()).isNotNull();
                assertThat(m.aof().files())
                        .extracting(Manifest.FileEntry::name)
                        .first()
                        .isEqualTo("aof-appendonly.aof.manifest.zst.gpg");
                assertThat(m.aof().files())
                        .extracting(Manifest.FileEntry::name)
                        .anyMatch(n -> n.matches("aof-appendonly\\.aof\\.\\d+\\.base\\.rdb\\.zst\\.gpg"))
                        .anyMatch(n -> n.matches("aof-appendonly\\.aof\\.\\d+\\.incr\\.aof\\.zst\\.gpg"));
                assertThat(m.aof().totalKeys()).isEqualTo(before.size());
                assertThat(m.aof().keys()).isEqualTo(m.keys());

                VerifyReport report = backups.verify(m.id());
                assertThat(report.ok()).as("%s", report.failures()).isTrue();
                assertThat(report.checks()).anyMatch(c -> c.startsWith("AOF of ") && c.contains("match the manifest"));

                redis.flushAll();
                RestoreReport restored = backups.restore(
                        m.id(), config.redis(Purpose.TOKENS).orElseThrow(), false, false, Backups.From.AOF);
                assertThat(restored.restored()).isEqualTo(before.size());
            }
            Fixture.assertRestored(redis, config, state, before, beforeAt);
        }
    }

    @Test
    void aFolderThatIsNotTheNodesAofIsRefusedBeforeAnythingIsPaused() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start("appendonly yes", REWRITE + " 77");
                GpgKeys keys = GpgKeys.generate("aof-wrong")) {
            GatehouseConfig config = Fixture.config(redis, tmp);
            try (Backups backups = Backups.builder()
                    .config(config)
                    .target(BackupTarget.local(tmp.resolve("backups")))
                    .publicKey(keys.publicKey())
                    .workDir(tmp)
                    .build()) {
                assertThatThrownBy(() -> backups.create(Optional.empty(), Optional.of(tmp)))
                        .isInstanceOf(BackupException.class)
                        .hasMessageContaining("--aof-dir " + tmp)
                        .hasMessageContaining("keeps its AOF in " + redis.node().dir());
                assertThat(backups.target().ids())
                        .as("no snapshot taken either")
                        .isEmpty();
            }
            assertThat(rewriteSetting(redis)).isEqualTo("77");
        }
    }

    private static String rewriteSetting(StandaloneRedis redis) {
        return redis.node().cli("CONFIG", "GET", REWRITE).lines().toList().get(1);
    }
}
