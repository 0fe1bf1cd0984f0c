package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.TlsRedis;
import io.gatehouse.testkit.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The disaster drill on every topology: state made through the library, backed up to a real S3 API,
 * every master flushed, restored; then fresh library instances still refuse the revoked token,
 * accept the live session, rotate the refresh family, see the lockout and the events, and every key
 * has its TTL back within a second. On TLS the Redis runs the shipped ACL: the backup is taken as
 * {@code ops} and restored as {@code restore}, with the client certificate, and neither is refused a
 * command.
 */
class BackupRoundTripIntegrationTest {
    static GpgKeys keys;
    static S3Server s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        keys = GpgKeys.generate("roundtrip");
        s3 = S3Server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        keys.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Topology.class,
            names = {"STANDALONE", "SENTINEL", "CLUSTER", "TLS"})
    void restoresWhatTheLibraryWrote(Topology topology) throws Exception {
        RedisDeployment redis = SharedRedis.get(topology);
        redis.flushAll();
        GatehouseConfig config = Fixture.config(redis, tmp);
        Fixture.State state;
        try (Fixture f = Fixture.open(config)) {
            state = f.populate();
        }
        // Taken before the TTLs are read: reading them, the wait for the replica and the backup all count as
        // elapsed time when the restored TTLs are compared (taken later, a slow read made the bound too tight).
        long beforeAt = System.nanoTime();
        Map<String, Long> before = Fixture.ttls(redis);
        if (topology == Topology.SENTINEL) {
            // The backup reads from a replica the Sentinels report healthy, else from the master: wait until
            // the shared deployment's replica is back in sync (a flush or an earlier snapshot may resync it).
            var endpoint = config.redis(io.gatehouse.config.Purpose.TOKENS).orElseThrow();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Sources.resolve(endpoint, new RedisCli(endpoint, "redis-cli"))
                            .get(0)
                            .role()
                            .equals("slave"));
        }
        GatehouseConfig backupConfig = config;
        GatehouseConfig restoreConfig = config;
        if (redis instanceof TlsRedis tls) {
            // As the server's scheduled job would: its own configuration plus the backup user.
            backupConfig = config.toBuilder()
                    .set("gatehouse.backup.redis-username", "ops")
                    .set("gatehouse.backup.redis-password", tls.opsPassword())
                    .build();
            restoreConfig = Fixture.as(tls, tmp, "restore", tls.restorePassword());
            tls.node().cli("ACL", "LOG", "RESET");
        }

        try (Backups backups = Backups.builder()
                .config(backupConfig)
                .target(s3.target("rt-" + topology.name().toLowerCase()))
                .publicKey(keys.publicKey())
                .secretKey(keys.secretKey())
                .workDir(tmp)
                .build()) {
            List<Manifest> made = backups.create(Optional.empty());
            assertThat(made).hasSize(1);
            Manifest m = made.get(0);
            assertThat(m.files()).hasSize(topology == Topology.CLUSTER ? 3 : 1);
            if (topology == Topology.SENTINEL) {
                assertThat(m.files().get(0).role()).as("read from the replica").isEqualTo("slave");
            }
            assertThat(m.totalKeys()).as("%s vs %s", m.keys(), before).isEqualTo(before.size());
            assertThat(m.keys())
                    .containsKeys("sessions", "refresh-families", "revocations", "lockouts", "events", "signing-keys");
            assertThat(backups.list()).extracting(Manifest::id).contains(m.id());

            redis.flushAll();
            assertThat(Fixture.ttls(redis)).isEmpty();

            RestoreReport report = backups.restore(
                    m.id(),
                    restoreConfig.redis(io.gatehouse.config.Purpose.TOKENS).orElseThrow(),
                    false,
                    false);
            assertThat(report.restored()).as("restored of %s", before).isEqualTo(before.size());
            assertThat(report.expiredSkipped()).isZero();
        }

        if (redis instanceof TlsRedis tls) {
            assertThat(tls.node().cli("ACL", "LOG"))
                    .as("commands refused to the backup users")
                    .doesNotContain("user=ops", "user=restore");
        }
        Fixture.assertRestored(redis, config, state, before, beforeAt);
    }
}
