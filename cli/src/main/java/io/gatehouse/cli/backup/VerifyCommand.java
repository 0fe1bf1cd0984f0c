package io.gatehouse.cli.backup;

import io.gatehouse.backup.Backups;
import io.gatehouse.backup.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatehouse backup verify ID}: exit 0 when every check passed, 1 otherwise. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Download a backup, check every SHA-256, decrypt, decompress, redis-check-rdb, load it into a "
                + "scratch redis-server and compare its keys per family with the manifest.")
final class VerifyCommand extends BackupOptions {
    @Parameters(paramLabel = "ID", description = "The backup (see 'gatehouse backup list').")
    String id;

    @Override
    int run() {
        try (Backups backups = backups(config())) {
            VerifyReport report = backups.verify(id);
            report.checks().forEach(c -> System.out.println((report.failures().contains(c) ? "FAIL " : "ok   ") + c));
            report.failures().stream()
                    .filter(f -> !report.checks().contains(f))
                    .forEach(f -> System.out.println("FAIL " + f));
            System.out.println(
                    report.ok()
                            ? id + ": verified"
                            : id + ": " + report.failures().size() + " check(s) failed");
            return report.ok() ? 0 : 1;
        }
    }
}
