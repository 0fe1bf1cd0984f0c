package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged backup is caught by verify and refused by restore, with a message that names the file and
 * the failed check, and nothing reaches the target. Each case damages a fresh backup of the same
 * state in a real S3 API the way it happens in practice: a flipped bit at rest, the wrong secret key,
 * a truncated upload, a manifest that does not describe the files.
 */
class BackupCorruptionIntegrationTest {
    static GpgKeys keys;
    static GpgKeys otherKeys;
    static S3Server s3;
    static int bucket;

    @TempDir
    Path tmp;

    RedisDeployment redis;
    GatehouseConfig config;
    BackupTarget target;
    String bucketName;

    @BeforeAll
    static void start() throws Exception {
        keys = GpgKeys.generate("corruption");
        otherKeys = GpgKeys.generate("someone-else");
        s3 = S3Server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        keys.close();
        otherKeys.close();
    }

    @BeforeEach
    void backupOfSomeState() throws Exception {
        redis = SharedRedis.get(Topology.STANDALONE);
        redis.flushAll();
        config = Fixture.config(redis, tmp);
        try (Fixture f = Fixture.open(config)) {
            f.populate();
        }
        bucketName = "corrupt-" + (++bucket);
        target = s3.target(bucketName);
    }

    private Backups backups(Path secretKey) {
        return Backups.builder()
                .config(config)
                .target(target)
                .publicKey(keys.publicKey())
                .secretKey(secretKey)
                .workDir(tmp)
                .build();
    }

    private Manifest create() {
        return backups(keys.secretKey()).create(Optional.empty()).get(0);
    }

    /** Verify fails naming the file and check; restore is refused the same way; the emptied target stays empty. */
    private void caught(Backups backups, String id, String file, String check) {
        VerifyReport report = backups.verify(id);
        assertThat(report.ok()).isFalse();
        assertThat(report.failures())
                .anySatisfy(f -> assertThat(f).contains(file).contains(check));
        redis.flushAll();
        assertThatThrownBy(
                        () -> backups.restore(id, config.redis(Purpose.TOKENS).orElseThrow(), false, false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("refused to restore")
                .hasMessageContaining(file)
                .hasMessageContaining(check);
        assertThat(Fixture.ttls(redis)).as("nothing written to the target").isEmpty();
    }

    private byte[] object(String id, String name) {
        return target.read(id, name);
    }

    private void replace(String id, String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve("replacement");
        Files.write(p, bytes);
        target.put(id, name, p, Progress.NONE);
    }

    @Test
    void intactBackupVerifies() {
        Manifest m = create();
        VerifyReport report = backups(keys.secretKey()).verify(m.id());
        assertThat(report.failures()).isEmpty();
        assertThat(report.checks()).anySatisfy(c -> assertThat(c).contains("redis-check-rdb ok"));
    }

    @Test
    void flippedByteIsCaught() throws Exception {
        Manifest m = create();
        String name = m.files().get(0).name();
        byte[] b = object(m.id(), name);
        b[b.length / 2] ^= 0x01;
        replace(m.id(), name, b);
        caught(backups(keys.secretKey()), m.id(), name, "SHA-256 check failed");
    }

    @Test
    void wrongSecretKeyIsCaught() {
        Manifest m = create();
        caught(backups(otherKeys.secretKey()), m.id(), m.files().get(0).name(), "decrypt failed");
    }

    @Test
    void truncatedUploadIsCaught() throws Exception {
        Manifest m = create();
        String name = m.files().get(0).name();
        byte[] b = object(m.id(), name);
        replace(m.id(), name, Arrays.copyOf(b, b.length - 100));
        caught(backups(keys.secretKey()), m.id(), name, "size check failed");
    }

    @Test
    void manifestThatDoesNotMatchTheFilesIsCaught() throws Exception {
        Manifest m = create();
        String name = m.files().get(0).name();
        String json = new String(object(m.id(), Manifest.NAME), StandardCharsets.UTF_8);
        // A manifest edited to claim more sessions than the snapshot holds.
        long sessions = m.files().get(0).keys().get("sessions");
        String edited = json.replaceFirst("\"sessions\" : " + sessions, "\"sessions\" : " + (sessions + 5));
        assertThat(edited).isNotEqualTo(json);
        replace(m.id(), Manifest.NAME, edited.getBytes(StandardCharsets.UTF_8));
        caught(backups(keys.secretKey()), m.id(), name, "key count check failed");
    }

    @Test
    void manifestOfAnotherFileIsCaught() throws Exception {
        Manifest m = create();
        String name = m.files().get(0).name();
        String json = new String(object(m.id(), Manifest.NAME), StandardCharsets.UTF_8);
        String edited = json.replace(m.files().get(0).sha256(), "0".repeat(64));
        replace(m.id(), Manifest.NAME, edited.getBytes(StandardCharsets.UTF_8));
        caught(backups(keys.secretKey()), m.id(), name, "SHA-256 check failed");
    }

    @Test
    void restoreRefusesExistingKeysUnlessReplace() {
        Manifest m = create();
        Backups b = backups(keys.secretKey());
        var to = config.redis(Purpose.TOKENS).orElseThrow();
        assertThatThrownBy(() -> b.restore(m.id(), to, false, false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("already exist")
                .hasMessageContaining("--replace");
        RestoreReport dry = b.restore(m.id(), to, true, false);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.existing()).isEqualTo(m.totalKeys());
        RestoreReport replaced = b.restore(m.id(), to, false, true);
        assertThat(replaced.restored()).isEqualTo(m.totalKeys());
    }
}
