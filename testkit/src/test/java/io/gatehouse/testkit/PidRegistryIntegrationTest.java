package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Simulates a JVM killed by SIGKILL: its redis-server and temp dir must be reaped. */
class PidRegistryIntegrationTest {

    @Test
    void reapsServersOfDeadOwners() throws Exception {
        Process deadOwner = new ProcessBuilder("true").start();
        deadOwner.waitFor(5, TimeUnit.SECONDS);
        Path orphanDir = TempDirs.create();
        Process orphan = new ProcessBuilder(
                        Binaries.locate(Binaries.REDIS_SERVER).toString(),
                        "--port",
                        Integer.toString(FreePorts.next()),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        orphanDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(orphanDir.resolve("stdout.log").toFile())
                .start();
        Path record = writeRecord(deadOwner.toHandle(), orphan.toHandle(), orphanDir);
        try {
            assertThat(PidRegistry.reapOrphans()).isGreaterThanOrEqualTo(1);
            assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(orphanDir).doesNotExist();
            assertThat(record).doesNotExist();
        } finally {
            orphan.destroyForcibly();
            TempDirs.deleteRecursively(orphanDir);
            Files.deleteIfExists(record);
        }
    }

    @Test
    void leavesChildrenOfLiveOwnersAlone() {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            PidRegistry.reapOrphans();
            assertThat(redis.node().isAlive()).isTrue();
            assertThat(PidRegistry.directory().resolve(redis.node().pid() + ".properties"))
                    .exists();
        }
    }

    private static Path writeRecord(ProcessHandle owner, ProcessHandle child, Path dir) throws IOException {
        Properties record = new Properties();
        record.setProperty("owner.pid", Long.toString(owner.pid()));
        record.setProperty("owner.start", "0");
        record.setProperty("child.pid", Long.toString(child.pid()));
        record.setProperty(
                "child.start",
                Long.toString(
                        child.info().startInstant().map(Instant::toEpochMilli).orElse(-1L)));
        record.setProperty("dir", dir.toString());
        Files.createDirectories(PidRegistry.directory());
        Path file = PidRegistry.directory().resolve(child.pid() + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            record.store(writer, null);
        }
        return file;
    }
}
