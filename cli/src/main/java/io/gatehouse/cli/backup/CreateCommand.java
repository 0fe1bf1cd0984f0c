package io.gatehouse.cli.backup;

import io.gatehouse.backup.Backups;
import io.gatehouse.backup.Manifest;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse backup create [--purpose P] [--aof-dir DIR]}. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Snapshot each configured Redis deployment (or the one serving --purpose) over the network, "
                + "compress, encrypt, store with its manifest.")
final class CreateCommand extends BackupOptions {
    @Option(
            names = "--purpose",
            paramLabel = "P",
            description = "Only the deployment serving this purpose: tokens, sessions, rate-limits, cache, events.")
    String purpose;

    @Option(
            names = "--aof-dir",
            paramLabel = "DIR",
            description = "On the Redis host: also copy the multi-part AOF in DIR (the node's dir/appenddirname), "
                    + "with automatic rewrites paused; needs CONFIG GET/SET and one deployment (--purpose).")
    Path aofDir;

    @Override
    int run() {
        Optional<Purpose> only = Optional.ofNullable(purpose).map(CreateCommand::purpose);
        GatehouseConfig config = config();
        try (Backups backups = backups(config)) {
            List<Manifest> made = backups.create(only, Optional.ofNullable(aofDir));
            for (Manifest m : made) {
                System.out.printf(
                        "%s  %s  %d file(s)  %s stored  %d keys %s  %.1f s%n",
                        m.id(),
                        m.source(),
                        m.files().size(),
                        ProgressLine.bytes(m.storedBytes()),
                        m.totalKeys(),
                        m.keys(),
                        m.durationMillis() / 1000.0);
            }
        }
        return 0;
    }

    static Purpose purpose(String p) {
        return Arrays.stream(Purpose.values())
                .filter(x -> x.key().equals(p))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--purpose: '" + p + "' is not one of "
                        + Arrays.stream(Purpose.values()).map(Purpose::key).toList()));
    }
}
