package io.gatehouse.cli.backup;

import io.gatehouse.backup.Backups;
import io.gatehouse.backup.RestoreReport;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.config.RedisEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse backup restore ID --to URL [--dry-run] [--replace] [--from snapshot|aof]}. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Verify a backup, then copy its keys (DUMP/RESTORE with the remaining TTL) into a running "
                + "deployment. Refuses if any key exists there, unless --replace.")
final class RestoreCommand extends BackupOptions {
    @Parameters(paramLabel = "ID", description = "The backup (see 'gatehouse backup list').")
    String id;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "URL",
            description =
                    "The deployment to restore into, a Gatehouse Redis URL (redis://, rediss://, redis-sentinel://, "
                            + "redis-cluster://); TLS files and timeouts from gatehouse.redis.*. Put a password in "
                            + "GATEHOUSE_BACKUP_RESTORE_URL instead of on the command line: --to env.")
    String to;

    @Option(names = "--dry-run", description = "Check and count; write nothing.")
    boolean dryRun;

    @Option(names = "--replace", description = "Overwrite keys that already exist in the target.")
    boolean replace;

    @Option(
            names = "--from",
            paramLabel = "snapshot|aof",
            description = "Copy the keys of the network snapshot (default) or of the AOF taken with create --aof-dir.")
    String from = "snapshot";

    @Override
    int run() {
        Backups.From source = switch (from) {
            case "snapshot" -> Backups.From.SNAPSHOT;
            case "aof" -> Backups.From.AOF;
            default -> throw new IllegalArgumentException("--from: '" + from + "' is not snapshot or aof");
        };
        GatehouseConfig config = config();
        String url = "env".equals(to)
                ? config.get("gatehouse.backup.restore-url")
                        .orElseThrow(
                                () -> new IllegalArgumentException("--to env: GATEHOUSE_BACKUP_RESTORE_URL is not set"))
                : to;
        // The target URL borrows the configuration's TLS files, credentials policy and timeouts.
        RedisEndpoint endpoint = config.toBuilder()
                .redisUrl(Purpose.TOKENS, url)
                .build()
                .redis(Purpose.TOKENS)
                .orElseThrow();
        try (Backups backups = backups(config)) {
            RestoreReport r = backups.restore(id, endpoint, dryRun, replace, source);
            System.out.printf(
                    "%s%s into %s: %d keys %s, %d expired since the backup (skipped), %d already existed%s, "
                            + "%d non-UTF-8 names skipped, %.1f s%n",
                    r.dryRun() ? "dry run: " : "",
                    id,
                    endpoint.redactedUrl(),
                    r.restored(),
                    r.dryRun() ? "would be restored" : "restored",
                    r.expiredSkipped(),
                    r.existing(),
                    replace ? " (replaced)" : "",
                    r.skippedBinary(),
                    r.durationMillis() / 1000.0);
        }
        return 0;
    }
}
