package io.gatehouse.cli.backup;

import io.gatehouse.backup.BackupException;
import io.gatehouse.backup.Backups;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every backup subcommand shares: the configuration (file or environment) with optional
 * overrides, and one error policy: a single line naming the setting or file, exit 2 for bad
 * settings, 1 for a failed backup, restore or check, no stack trace.
 */
abstract class BackupOptions implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--target",
            paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Overrides gatehouse.backup.target.")
    String target;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Overrides gatehouse.backup.public-key.")
    Path publicKey;

    @Option(names = "--secret-key", paramLabel = "FILE", description = "Overrides gatehouse.backup.secret-key.")
    Path secretKey;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    GatehouseConfig config() {
        // --config is the root command's option (inherited by every command); its value is read from there.
        Object file = spec.root().findOption("--config") == null
                ? null
                : spec.root().findOption("--config").getValue();
        GatehouseConfig c =
                file != null ? GatehouseConfig.load((Path) file, System.getenv()) : GatehouseConfig.fromEnvironment();
        GatehouseConfig.Builder b = c.toBuilder();
        if (target != null) {
            b.set("gatehouse.backup.target", target);
        }
        if (publicKey != null) {
            b.set("gatehouse.backup.public-key", publicKey.toString());
        }
        if (secretKey != null) {
            b.set("gatehouse.backup.secret-key", secretKey.toString());
        }
        return b.build();
    }

    Backups backups(GatehouseConfig config) {
        return Backups.builder()
                .config(config)
                .progress(quiet ? (s, d, t) -> {} : new ProgressLine(System.err))
                .build();
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("gatehouse backup: " + e.getMessage());
            return 2;
        } catch (BackupException e) {
            System.err.println("gatehouse backup: " + e.getMessage());
            return 1;
        }
    }

    abstract int run();
}
