package io.gatehouse.cli.backup;

import picocli.CommandLine.Command;

/** {@code gatehouse backup}: the group; each subcommand is one class in this package. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Back up and restore every Redis deployment (RDB over the replication link, zstd, OpenPGP, "
                + "local directory or S3). Settings: gatehouse.backup.* (docs/BACKUPS.md).",
        subcommands = {
            CreateCommand.class,
            ListCommand.class,
            VerifyCommand.class,
            RestoreCommand.class,
            PruneCommand.class
        })
public final class BackupCommand {}
