package io.gatehouse.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.backend.Stores;
import io.gatehouse.backup.BackupLease;
import io.gatehouse.backup.BackupTarget;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two server instances on one Redis: the lease lets exactly one take the scheduled backup; metrics say so. */
class BackupJobIntegrationTest {
    @TempDir
    Path tmp;

    @Test
    void oneInstanceTakesTheBackupAndReportsIt() throws Exception {
        RedisDeployment redis = SharedRedis.get(Topology.STANDALONE);
        redis.flushAll();
        redis.masters().get(0).cli("SET", "gatehouse:s:{alice}", "session");
        try (GpgKeys keys = GpgKeys.generate("job")) {
            GatehouseConfig config = GatehouseConfig.builder()
                    .redisUrl(redis.url())
                    .set("gatehouse.backup.target", tmp.resolve("backups").toString())
                    .set("gatehouse.backup.public-key", keys.publicKey().toString())
                    .set("gatehouse.backup.work-dir", tmp.resolve("work").toString())
                    .build();
            try (Stores a = Stores.open(config);
                    Stores b = Stores.open(config)) {
                SimpleMeterRegistry ra = new SimpleMeterRegistry();
                SimpleMeterRegistry rb = new SimpleMeterRegistry();
                BackupJob first = new BackupJob(config, BackupLease.in(a), Duration.ofHours(1), Clock.systemUTC(), ra);
                BackupJob second = new BackupJob(config, BackupLease.in(b), Duration.ofHours(1), Clock.systemUTC(), rb);

                assertThat(first.runIfLeader()).isTrue();
                assertThat(second.runIfLeader())
                        .as("the lease is held for this period")
                        .isFalse();

                assertThat(BackupTarget.local(tmp.resolve("backups")).ids()).hasSize(1);
                assertThat(ra.get("gatehouse.backup.last.success.timestamp")
                                .gauge()
                                .value())
                        .isPositive();
                assertThat(ra.get("gatehouse.backup.last.size").gauge().value()).isPositive();
                assertThat(rb.get("gatehouse.backup.last.success.timestamp")
                                .gauge()
                                .value())
                        .isZero();

                redis.masters().get(0).cli("DEL", "gatehouse:backup:{lease}");
                GatehouseConfig broken = config.toBuilder()
                        .set(
                                "gatehouse.backup.public-key",
                                tmp.resolve("missing.asc").toString())
                        .build();
                SimpleMeterRegistry rc = new SimpleMeterRegistry();
                BackupJob failing =
                        new BackupJob(broken, BackupLease.in(a), Duration.ofHours(1), Clock.systemUTC(), rc);
                assertThat(failing.runIfLeader()).isFalse();
                assertThat(rc.get("gatehouse.backup.failures").functionCounter().count())
                        .isEqualTo(1.0);
            }
        }
    }

    @Test
    void scheduleIsOffByDefaultAndValidated() {
        GatehouseConfig config =
                GatehouseConfig.builder().redisUrl("redis://127.0.0.1:1").build();
        try (Stores none = Stores.inMemory()) {
            assertThat(BackupJob.start(config, none, new SimpleMeterRegistry())).isEmpty();
            GatehouseConfig bad = config.toBuilder()
                    .set("gatehouse.backup.schedule", "daily@25:99")
                    .build();
            assertThatThrownBy(() -> BackupJob.start(bad, none, new SimpleMeterRegistry()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("gatehouse.backup.schedule")
                    .hasMessageContaining("HH:MM");
        }
    }
}
