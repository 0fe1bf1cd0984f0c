package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

/** Checks that closed nodes left nothing behind: no process, no directory, no pid record. */
final class ProcessAssertions {
    private ProcessAssertions() {}

    static void assertGone(List<RedisNode> nodes, List<Long> pids) {
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d is gone", pid)
                    .isFalse();
            assertThat(PidRegistry.directory().resolve(pid + ".properties")).doesNotExist();
        }
        for (RedisNode node : nodes) {
            assertThat(node.isAlive()).isFalse();
            assertThat(Files.exists(node.dir())).as("%s deleted", node.dir()).isFalse();
        }
    }
}
