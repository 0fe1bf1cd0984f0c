package io.gatehouse.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code gatehouse}: the operations CLI. Each command group is one class in this package (or a package
 * below it); a group is registered by one line in {@link #commandLine(Cli)}.
 */
@Command(
        name = "gatehouse",
        mixinStandardHelpOptions = true,
        version = "gatehouse 0.1.0",
        description = "Operate a Gatehouse deployment: health, statistics, sessions, tokens, keys, rate limits, "
                + "lockouts, cache, events and users, with the server's configuration.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok",
            "  1  not found, or degraded",
            "  2  usage or configuration error",
            "  3  a store (Redis, the user database) is unavailable",
            "",
            "Examples:",
            "  gatehouse health",
            "  gatehouse --config /etc/gatehouse.properties users show ann@example.com",
            "  gatehouse sessions list ann@example.com --output json"
        })
public final class Main {
    private final Cli cli;

    Main(Cli cli) {
        this.cli = cli;
    }

    Cli cli() {
        return cli;
    }

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description =
                    "Properties file (default: $GATEHOUSE_CONFIG, else ./gatehouse.properties); GATEHOUSE_* variables override it.")
    void config(Path file) {
        cli.configFile(file);
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            scope = ScopeType.INHERIT,
            description = "table (default, for people) or json (one document, JSON lines for streams).")
    void output(Output.Format format) {
        cli.format(format);
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    void verbose(boolean verbose) {
        cli.verbose(verbose);
    }

    /** The command tree; one line per command group. */
    static CommandLine commandLine(Cli cli) {
        CommandLine cmd = new CommandLine(new Main(cli));
        cmd.addSubcommand(new HealthCommand());
        cmd.addSubcommand(new StatsCommand());
        cmd.addSubcommand(new SessionsCommand());
        cmd.addSubcommand(new TokensCommand());
        cmd.addSubcommand(new KeysCommand());
        cmd.addSubcommand(new RateLimitCommand());
        cmd.addSubcommand(new LockoutCommand());
        cmd.addSubcommand(new CacheCommand());
        cmd.addSubcommand(new EventsCommand());
        cmd.addSubcommand(new UsersCommand());
        cmd.addSubcommand(new io.gatehouse.cli.backup.BackupCommand());
        cmd.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // Session ids are base64url and may begin with '-': one that is no known option is taken as the
        // argument it is (and `--` before an argument always works).
        cmd.setUnmatchedOptionsArePositionalParams(true);
        cmd.setExecutionExceptionHandler(cli::handle);
        cmd.setParameterExceptionHandler(cli::handleUsage);
        cmd.setOut(cli.out());
        cmd.setErr(cli.err());
        return cmd;
    }

    /** Runs one command line with these streams and environment; returns the exit code. */
    static int run(String[] args, Cli cli) {
        try (cli) {
            return commandLine(cli).execute(args);
        }
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        InputStream in = System.in;
        Map<String, String> env = System.getenv();
        System.exit(run(args, new Cli(out, err, in, env, Cli.OPEN)));
    }
}
