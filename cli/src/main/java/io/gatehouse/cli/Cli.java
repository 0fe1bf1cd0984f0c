package io.gatehouse.cli;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.error.InvalidInputException;
import io.gatehouse.store.StoreException;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.UnknownUserException;
import io.gatehouse.user.UserStoreException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * What one CLI run works with: its streams and environment, the global options, the configuration and
 * the {@link Gatehouse} opened from it (once, on first use, closed at the end), and the mapping of errors
 * to one line and an exit code.
 */
final class Cli implements AutoCloseable {
    /** Opens Gatehouse the way the server does. */
    static final Function<GatehouseConfig, Gatehouse> OPEN = Gatehouse::open;

    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final Map<String, String> env;
    private final Function<GatehouseConfig, Gatehouse> opener;
    private Path configFile;
    private Output.Format format = Output.Format.TABLE;
    private boolean verbose;
    private static final String SPOOL_KEY = "gatehouse.events.spool.dir";
    private GatehouseConfig config;
    private Path spool;
    private Gatehouse gatehouse;

    /**
     * @param opener opens Gatehouse from the configuration; {@link #OPEN} in the real CLI (tests hand in one
     *               they keep, and close it themselves)
     */
    Cli(
            PrintWriter out,
            PrintWriter err,
            InputStream in,
            Map<String, String> env,
            Function<GatehouseConfig, Gatehouse> opener) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.opener = opener;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Whether stdout is the process's own (not a test's buffer), so a terminal check means something. */
    boolean interactive() {
        return opener == OPEN;
    }

    InputStream in() {
        return in;
    }

    void configFile(Path file) {
        this.configFile = file;
    }

    void format(Output.Format format) {
        this.format = format;
    }

    void verbose(boolean verbose) {
        this.verbose = verbose;
    }

    Output output() {
        return new Output(out, format);
    }

    /** Who acts, for the event log: the operating-system user running the CLI. */
    String operator() {
        String user = env.getOrDefault("USER", env.getOrDefault("USERNAME", System.getProperty("user.name", "")));
        return user.isBlank() ? "unknown" : user;
    }

    /** The server's configuration: {@code --config}, else {@code GATEHOUSE_CONFIG}, else ./gatehouse.properties; then GATEHOUSE_*. */
    GatehouseConfig config() {
        if (config == null) {
            Path file = configFile;
            if (file == null && env.get("GATEHOUSE_CONFIG") != null) {
                file = Path.of(env.get("GATEHOUSE_CONFIG"));
            }
            if (file != null && !Files.isReadable(file)) {
                throw new ConfigException(
                        "--config",
                        "the configuration file " + file + " does not exist or cannot be read"
                                + (configFile == null ? " (named by GATEHOUSE_CONFIG)" : " (--config)"));
            }
            if (file == null && Files.exists(Path.of(GatehouseConfig.DEFAULT_FILE))) {
                file = Path.of(GatehouseConfig.DEFAULT_FILE);
            }
            config = ownSpool(file == null ? GatehouseConfig.of(Map.of(), env) : GatehouseConfig.load(file, env));
        }
        return config;
    }

    /**
     * The event log's spool directory is one process's (a running server holds its own under the data
     * directory): the CLI spools into a directory of its own per run, removed at the end when empty. The
     * events it records are flushed to the store when it closes.
     */
    private GatehouseConfig ownSpool(GatehouseConfig c) {
        try {
            spool = Files.createTempDirectory("gatehouse-cli-events-");
        } catch (java.io.IOException e) {
            throw new ConfigException(
                    SPOOL_KEY, "cannot create a spool directory for the CLI's events: " + e.getMessage());
        }
        return c.toBuilder().set(SPOOL_KEY, spool.toString()).build();
    }

    /** Everything, opened from {@link #config()} on first use. */
    Gatehouse gatehouse() {
        if (gatehouse == null) {
            gatehouse = opener.apply(config());
        }
        return gatehouse;
    }

    /** The user an operator means: an email (contains '@') or a user id; exit 1 when there is none. */
    io.gatehouse.user.User user(String emailOrId) {
        return gatehouse().accounts().find(emailOrId).orElseThrow(() -> CliException.notFound("no user " + emailOrId));
    }

    /** The operator as an {@link io.gatehouse.account.Actor}, for account actions. */
    io.gatehouse.account.Actor actor() {
        return io.gatehouse.account.Actor.operator(operator());
    }

    @Override
    public void close() {
        if (gatehouse != null && opener == OPEN) {
            gatehouse.close();
        }
        if (spool != null) {
            try {
                Path events = spool.resolve("spool.jsonl");
                if (!Files.exists(events) || Files.size(events) == 0) {
                    Files.deleteIfExists(events);
                    Files.deleteIfExists(spool.resolve("spool.lock"));
                    Files.delete(spool);
                } else {
                    err.println("gatehouse: events not yet stored are kept in " + spool);
                }
            } catch (java.io.IOException e) {
                // a spool left behind is harmless
            }
        }
        out.flush();
        err.flush();
    }

    /** A command failed: one line on stderr (the stack trace too with --verbose) and its exit code. */
    int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        int code = exitCode(e);
        err.println("gatehouse " + cmd.getCommandName() + ": " + oneLine(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** A bad command line: one line, the usage hint, exit 2. */
    int handleUsage(CommandLine.ParameterException e, String[] args) {
        err.println("gatehouse " + e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (see --help)");
        err.flush();
        return ExitCode.USAGE;
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof ConfigException c) {
            // A store that cannot be reached at start-up is reported as a configuration error naming the
            // setting; for scripts it is "unavailable".
            return c.getMessage() != null && c.getMessage().startsWith("Cannot connect to")
                    ? ExitCode.UNAVAILABLE
                    : ExitCode.USAGE;
        }
        if (e instanceof StoreException || e instanceof UserStoreException) {
            return ExitCode.UNAVAILABLE;
        }
        if (e instanceof UnknownUserException) {
            return ExitCode.NOT_FOUND;
        }
        if (e instanceof InvalidInputException
                || e instanceof IllegalArgumentException
                || e instanceof InvalidUserInputException) {
            return ExitCode.USAGE;
        }
        return ExitCode.NOT_FOUND;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
