package io.gatehouse.cli.backup;

import io.gatehouse.backup.Backups;
import io.gatehouse.backup.Retention;
import io.gatehouse.config.GatehouseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse backup prune [--dry-run]}. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = "Delete backups outside the retention schedule (gatehouse.backup.retention, default "
                + "all:48h,daily:60d,monthly:1y). Run with --dry-run first.")
final class PruneCommand extends BackupOptions {
    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(names = "--retention", paramLabel = "SCHEDULE", description = "Overrides gatehouse.backup.retention.")
    String retention;

    @Override
    int run() {
        GatehouseConfig config = config();
        Retention schedule = Retention.parse(
                retention != null
                        ? retention
                        : config.string("gatehouse.backup.retention", "all:48h,daily:60d,monthly:1y"));
        try (Backups backups = backups(config)) {
            Backups.PruneResult r = backups.prune(schedule, dryRun);
            r.deleted().forEach(id -> System.out.println((dryRun ? "would delete " : "deleted ") + id));
            System.out.printf(
                    "%s%d kept, %d %s%n",
                    dryRun ? "dry run: " : "", r.kept().size(), r.deleted().size(), dryRun ? "to delete" : "deleted");
        }
        return 0;
    }
}
