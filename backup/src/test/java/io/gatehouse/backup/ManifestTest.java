package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    static final Manifest.FileEntry FILE = new Manifest.FileEntry(
            "0-127.0.0.1-6379.rdb.zst.gpg",
            "127.0.0.1:6379",
            "master",
            "7.0.15",
            100,
            "ab".repeat(32),
            300,
            "cd".repeat(32),
            Map.of("sessions", 10L, "revocations", 3L),
            Map.of("sessions", 4L));

    @Test
    void jsonRoundTripKeepsEveryField() {
        Manifest m = new Manifest(
                "20261206T020000Z-default",
                "0.1.0",
                "default",
                List.of("tokens", "sessions"),
                "redis://127.0.0.1:6379",
                "standalone",
                "gatehouse",
                Instant.parse("2026-12-06T02:00:00Z"),
                1234,
                "zstd",
                "openpgp ABCD",
                List.of(FILE),
                null);
        Manifest back = Manifest.parse(m.toJson(), "test");
        assertThat(back).isEqualTo(m);
        assertThat(back.aof()).isNull();
        assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).doesNotContain("\"aof\"");
        assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).contains("\"createdAt\" : \"2026-12-06T02:00:00Z\"");
        assertThat(back.totalKeys()).isEqualTo(13);
        assertThatThrownBy(() -> Manifest.parse("{\"id\":1}".getBytes(StandardCharsets.UTF_8), "x/manifest.json"))
                .isInstanceOf(BackupException.class)
                .hasMessageStartingWith("x/manifest.json: ");
    }

    @Test
    void anAofSectionSurvivesJsonAndNamesItsFilesAfterTheOriginals() {
        String stored = Manifest.Aof.storedName("appendonly.aof.1.base.rdb");
        assertThat(stored).isEqualTo("aof-appendonly.aof.1.base.rdb.zst.gpg");
        Manifest.FileEntry base = new Manifest.FileEntry(
                stored,
                "127.0.0.1:6379",
                "master",
                "7.0.15",
                90,
                "ef".repeat(32),
                80,
                "01".repeat(32),
                Map.of(),
                Map.of());
        Manifest.Aof aof = new Manifest.Aof(
                "127.0.0.1:6379", "appendonly.aof", List.of(base), Map.of("sessions", 2L), Map.of("sessions", 1L));
        assertThat(Manifest.Aof.original(base)).isEqualTo("appendonly.aof.1.base.rdb");
        Manifest m = new Manifest(
                "20261206T020000Z-default",
                "0.1.0",
                "default",
                List.of("tokens"),
                "redis://127.0.0.1:6379",
                "standalone",
                "gatehouse",
                Instant.parse("2026-12-06T02:00:00Z"),
                1,
                "zstd",
                "openpgp ABCD",
                List.of(FILE),
                aof);
        Manifest back = Manifest.parse(m.toJson(), "test");
        assertThat(back).isEqualTo(m);
        assertThat(back.storedBytes()).isEqualTo(FILE.storedBytes() + 90);
        assertThat(back.aof().totalKeys()).isEqualTo(2);
    }

    @Test
    void keyCountsMayFallShortOnlyByKeysWithATtl() {
        Backups.compare(
                "f",
                FILE.keys(),
                FILE.volatileKeys(),
                new KeyFamilies.Counts(Map.of("sessions", 10L, "revocations", 3L), Map.of()));
        Backups.compare(
                "f",
                FILE.keys(),
                FILE.volatileKeys(),
                new KeyFamilies.Counts(Map.of("sessions", 6L, "revocations", 3L), Map.of()));
        assertThatThrownBy(() -> Backups.compare(
                        "f",
                        FILE.keys(),
                        FILE.volatileKeys(),
                        new KeyFamilies.Counts(Map.of("sessions", 5L, "revocations", 3L), Map.of())))
                .hasMessage("f: key count check failed: sessions 5 (manifest 10, 4 with TTL)");
        assertThatThrownBy(() -> Backups.compare(
                        "f",
                        FILE.keys(),
                        FILE.volatileKeys(),
                        new KeyFamilies.Counts(Map.of("sessions", 10L, "revocations", 2L), Map.of())))
                .hasMessageContaining("revocations 2 (manifest 3)");
        assertThatThrownBy(() -> Backups.compare(
                        "f",
                        FILE.keys(),
                        FILE.volatileKeys(),
                        new KeyFamilies.Counts(Map.of("sessions", 10L, "revocations", 3L, "other", 1L), Map.of())))
                .hasMessageContaining("other 1 (manifest 0)");
    }

    @Test
    void familiesFollowTheKindSegmentOfGatehouseKeys() {
        assertThat(KeyFamilies.family("s")).isEqualTo("sessions");
        assertThat(KeyFamilies.family("rt")).isEqualTo("refresh-families");
        assertThat(KeyFamilies.family("lockip")).isEqualTo("lockouts");
        assertThat(KeyFamilies.family("new-thing")).isEqualTo("kind:new-thing");
        assertThat(KeyFamilies.family("")).isEqualTo("other");
    }
}
