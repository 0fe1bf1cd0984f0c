package io.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the operations CLI. Each subcommand is one class in this package. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "gatehouse 0.1.0",
        description = "Operate a Gatehouse deployment: health, statistics, cleanup, revocation, backups.",
        subcommands = {HealthCommand.class, io.gatehouse.cli.backup.BackupCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
