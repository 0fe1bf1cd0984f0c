package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AofCopyTest {
    private static final Path MANIFEST = Path.of("appendonlydir/appendonly.aof.manifest");

    @Test
    void theBaseAndIncrementalFilesOfAnAofManifestAreCopiedAndHistoryIsNot() {
        // As Redis 7.0 writes it after a rewrite that left the old files to delete.
        List<String> manifest = List.of(
                "file appendonly.aof.1.base.rdb seq 1 type h",
                "file appendonly.aof.1.incr.aof seq 1 type h",
                "file appendonly.aof.2.base.rdb seq 2 type b",
                "file appendonly.aof.2.incr.aof seq 2 type i",
                "file appendonly.aof.3.incr.aof seq 3 type i",
                "");
        assertThat(AofCopy.liveFiles(manifest, MANIFEST))
                .containsExactly("appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.3.incr.aof");
    }

    @Test
    void onlyAddressesOfThisMachineAreLocal() {
        assertThat(AofCopy.isLocal("127.0.0.1")).isTrue();
        assertThat(AofCopy.isLocal("localhost")).isTrue();
        // TEST-NET-1 (RFC 5737): never an address of a machine.
        assertThat(AofCopy.isLocal("192.0.2.1")).isFalse();
    }

    @Test
    void aManifestThatIsNotOneOrNamesAFileOutsideTheFolderIsRefused() {
        assertThatThrownBy(() -> AofCopy.liveFiles(List.of("file ../../etc/passwd seq 1 type b"), MANIFEST))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("not an AOF manifest line");
        assertThatThrownBy(() -> AofCopy.liveFiles(List.of("hello world"), MANIFEST))
                .hasMessageContaining("not an AOF manifest line");
        assertThatThrownBy(() -> AofCopy.liveFiles(List.of("file a.aof seq 1 type h"), MANIFEST))
                .hasMessageContaining("lists no base or incremental file");
    }
}
