package io.gatehouse.cli.backup;

import io.gatehouse.backup.Backups;
import io.gatehouse.backup.Manifest;
import picocli.CommandLine.Command;

/** {@code gatehouse backup list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List complete backups, oldest first.")
final class ListCommand extends BackupOptions {
    @Override
    int run() {
        try (Backups backups = backups(config())) {
            System.out.printf("%-40s %-8s %-10s %6s %10s %10s%n", "ID", "MODE", "ROLE", "FILES", "STORED", "KEY COUNT");
            for (Manifest m : backups.list()) {
                System.out.printf(
                        "%-40s %-8s %-10s %6d %10s %10d%n",
                        m.id(),
                        m.mode(),
                        m.files().get(0).role(),
                        m.files().size(),
                        ProgressLine.bytes(m.storedBytes()),
                        m.totalKeys());
            }
        }
        return 0;
    }
}
