package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.StandaloneRedis;
import io.gatehouse.testkit.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disaster restore of docs/BACKUPS.md with standard tools only: {@code gpg --decrypt},
 * {@code zstd -d}, and a plain {@code redis-server} that loads the result and holds every key.
 */
class BackupInteropIntegrationTest {
    @TempDir
    Path tmp;

    @Test
    void gpgZstdAndRedisServerRestoreABackupWithoutGatehouse() throws Exception {
        RedisDeployment redis = SharedRedis.get(Topology.STANDALONE);
        redis.flushAll();
        GatehouseConfig config = Fixture.config(redis, tmp);
        try (Fixture f = Fixture.open(config)) {
            f.populate();
        }
        try (GpgKeys keys = GpgKeys.generate("interop")) {
            Path dir = tmp.resolve("backups");
            Manifest m;
            try (Backups b = Backups.builder()
                    .config(config)
                    .target(BackupTarget.local(dir))
                    .publicKey(keys.publicKey())
                    .workDir(tmp)
                    .build()) {
                m = b.create(Optional.empty()).get(0);
            }
            Path stored = dir.resolve(m.id()).resolve(m.files().get(0).name());
            assertThat(Files.exists(dir.resolve(m.id()).resolve("manifest.json")))
                    .isTrue();

            // As a person would import their key on the recovery machine.
            keys.gpg("--import", keys.secretKey().toString());
            Path zst = tmp.resolve("dump.rdb.zst");
            keys.gpg("--output", zst.toString(), "--decrypt", stored.toString());
            Path loadDir = Files.createDirectories(tmp.resolve("load"));
            run(List.of(
                    "zstd",
                    "-d",
                    "-q",
                    zst.toString(),
                    "-o",
                    loadDir.resolve("dump.rdb").toString()));
            assertThat(Codec.sha256(loadDir.resolve("dump.rdb")))
                    .isEqualTo(m.files().get(0).rdbSha256());

            assertThat(dbsizeOfPlainServer(loadDir, List.of("--dbfilename", "dump.rdb", "--appendonly", "no")))
                    .isEqualTo(m.totalKeys());
        }
    }

    @Test
    void gpgZstdAndRedisServerRestoreTheAofOfABackupWithoutGatehouse() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start("appendonly yes");
                GpgKeys keys = GpgKeys.generate("interop-aof")) {
            GatehouseConfig config = Fixture.config(redis, tmp);
            try (Fixture f = Fixture.open(config)) {
                f.populate();
            }
            Path dir = tmp.resolve("backups");
            Manifest m;
            try (Backups b = Backups.builder()
                    .config(config)
                    .target(BackupTarget.local(dir))
                    .publicKey(keys.publicKey())
                    .workDir(tmp)
                    .build()) {
                m = b.create(Optional.empty(), Optional.of(redis.node().dir().resolve("appendonlydir")))
                        .get(0);
            }
            // docs/BACKUPS.md: each aof-* file decrypted and decompressed under its original name.
            keys.gpg("--import", keys.secretKey().toString());
            Path loadDir = tmp.resolve("load");
            Path aofDir = Files.createDirectories(loadDir.resolve("appendonlydir"));
            for (Manifest.FileEntry f : m.aof().files()) {
                String orig = f.name().substring("aof-".length(), f.name().length() - ".zst.gpg".length());
                Path zst = tmp.resolve(orig + ".zst");
                keys.gpg(
                        "--output",
                        zst.toString(),
                        "--decrypt",
                        dir.resolve(m.id()).resolve(f.name()).toString());
                run(List.of(
                        "zstd",
                        "-d",
                        "-q",
                        zst.toString(),
                        "-o",
                        aofDir.resolve(orig).toString()));
            }
            assertThat(dbsizeOfPlainServer(
                            loadDir,
                            List.of(
                                    "--appendonly",
                                    "yes",
                                    "--appenddirname",
                                    "appendonlydir",
                                    "--appendfilename",
                                    m.aof().appendFilename())))
                    .isEqualTo(m.aof().totalKeys())
                    .isPositive();
        }
    }

    /** Starts a plain redis-server on {@code dir} with {@code persistence}, returns its DBSIZE once loaded. */
    private static long dbsizeOfPlainServer(Path dir, List<String> persistence) throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                ""));
        cmd.addAll(persistence);
        Process server = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String dbsize = org.awaitility.Awaitility.await()
                    .ignoreExceptions()
                    .until(
                            () -> run(List.of("redis-cli", "-p", Integer.toString(port), "DBSIZE"))
                                    .trim(),
                            s -> s.matches("\\d+"));
            return Long.parseLong(dbsize);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
        return out;
    }
}
