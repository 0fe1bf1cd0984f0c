package io.gatehouse.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: {@code initdb} into a fresh temporary directory, then
 * {@code postgres} on a free loopback port with password (SCRAM) authentication, stopped by pid.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM is root, both programs run as the unprivileged
 * user {@code nobody} through {@code setpriv} (which execs, so the pid we hold is the postmaster's),
 * and the directory is handed to that user first. Durability settings are off ({@code fsync},
 * {@code synchronous_commit}, {@code full_page_writes}): this database lives for one test run.
 *
 * <p>Binaries are looked up on {@code PATH}, then in {@code /usr/lib/postgresql/<newest>/bin} where
 * Debian puts them; {@code ./scripts/test} installs the {@code postgresql} package when they are missing.
 * The process is recorded like the Redis nodes, so a JVM killed mid-run has its orphan reaped by the next.
 */
public final class PostgresServer implements AutoCloseable {
    /** The superuser created by initdb; tests connect as it. */
    public static final String USER = "gatehouse";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String LOG = "postgres.log";
    private static volatile PostgresServer shared;

    private final Process process;
    private final Path dir;
    private final Path bin;
    private final int port;
    private final String password;

    private PostgresServer(Process process, Path dir, Path bin, int port, String password) {
        this.process = process;
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.password = password;
    }

    /**
     * One server for the whole JVM, started on first use and stopped at exit. Tests isolate themselves
     * with {@link #createDatabase()}.
     */
    public static PostgresServer shared() {
        PostgresServer s = shared;
        if (s == null) {
            synchronized (PostgresServer.class) {
                s = shared;
                if (s == null) {
                    s = start();
                    PostgresServer started = s;
                    Runtime.getRuntime()
                            .addShutdownHook(new Thread(started::close, "gatehouse-testkit-postgres-shutdown"));
                    shared = s;
                }
            }
        }
        return s;
    }

    /** Starts a private server; close it (try-with-resources). */
    public static PostgresServer start() {
        PidRegistry.reapOrphansOnce();
        Path bin = binDirectory();
        return PortRetry.withFreshPorts(() -> startOnce(bin));
    }

    private static PostgresServer startOnce(Path bin) {
        Path dir = TempDirs.create();
        String password = RandomHex.of(16);
        Process process = null;
        try {
            Path data = dir.resolve("data");
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            Optional<int[]> runAs = unprivilegedUser();
            if (runAs.isPresent()) {
                chownRecursively(dir, runAs.get());
            }
            CommandRunner.Result init = runAs(
                    runAs,
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-U",
                            USER,
                            "--pwfile=" + pwfile,
                            "--auth=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--locale=C",
                            "-N"),
                    Duration.ofSeconds(120));
            if (!init.ok()) {
                throw new IllegalStateException("initdb failed: " + init.describe());
            }
            Files.deleteIfExists(pwfile);
            int port = FreePorts.next();
            List<String> command = withUser(
                    runAs,
                    List.of(
                            bin.resolve("postgres").toString(),
                            "-D",
                            data.toString(),
                            "-p",
                            Integer.toString(port),
                            "-c",
                            "listen_addresses=" + RedisNode.HOST,
                            "-c",
                            "unix_socket_directories=" + dir,
                            "-c",
                            "fsync=off",
                            "-c",
                            "synchronous_commit=off",
                            "-c",
                            "full_page_writes=off",
                            "-c",
                            "shared_buffers=16MB",
                            "-c",
                            "max_connections=60",
                            "-c",
                            "dynamic_shared_memory_type=mmap"));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("LC_ALL", "C");
            builder.redirectErrorStream(true).redirectOutput(dir.resolve(LOG).toFile());
            process = builder.start();
            process.getOutputStream().close();
            PidRegistry.register(process.toHandle(), dir);
            PostgresServer server = new PostgresServer(process, dir, bin, port, password);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            stop(process, dir);
            throw new UncheckedIOException("cannot start PostgreSQL in " + dir, e);
        } catch (RuntimeException e) {
            stop(process, dir);
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String log = log();
            if (log.contains("database system is ready to accept connections")) {
                return;
            }
            if (!process.isAlive()) {
                if (log.contains("Address already in use") || log.contains("could not bind")) {
                    throw new PortClashException("PostgreSQL port " + port + " was taken: " + tail(log));
                }
                throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + ": " + tail(log));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "PostgreSQL did not become ready within " + START_TIMEOUT.toSeconds() + " s: " + tail(log));
            }
            Poll.sleep(Poll.INTERVAL);
        }
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** The superuser's password (random per server). */
    public String password() {
        return password;
    }

    /** The JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + RedisNode.HOST + ":" + port + "/" + database;
    }

    /** Creates an empty database with a random name and returns its JDBC URL, for one test's isolation. */
    public String createDatabase() {
        String name = "t_" + RandomHex.of(8);
        List<String> command = List.of(
                bin.resolve("createdb").toString(),
                "-h",
                RedisNode.HOST,
                "-p",
                Integer.toString(port),
                "-U",
                USER,
                name);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("createdb " + name + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run createdb", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a database", e);
        }
        return jdbcUrl(name);
    }

    /** The postmaster's pid. */
    public long pid() {
        return process.pid();
    }

    /** Whether the postmaster is running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** The server's log so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve(LOG), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Fast shutdown (SIGINT: clients are disconnected), SIGKILL if it hangs, then the directory is deleted. */
    @Override
    public void close() {
        stop(process, dir);
    }

    private static void stop(Process process, Path dir) {
        if (process != null) {
            if (process.isAlive()) {
                // SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients (e.g. a pool) to leave.
                CommandRunner.run(List.of("kill", "-INT", Long.toString(process.pid())), Duration.ofSeconds(5));
                try {
                    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            PidRegistry.unregister(process.pid());
        }
        TempDirs.deleteRecursively(dir);
    }

    private static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
    }

    /** {@code nobody}'s uid and gid when we are root (PostgreSQL refuses root), else empty. */
    private static Optional<int[]> unprivilegedUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        CommandRunner.Result uid = CommandRunner.run(List.of("id", "-u", "nobody"), Duration.ofSeconds(5));
        CommandRunner.Result gid = CommandRunner.run(List.of("id", "-g", "nobody"), Duration.ofSeconds(5));
        if (!uid.ok() || !gid.ok()) {
            throw new IllegalStateException(
                    "running as root, and there is no user 'nobody' to run PostgreSQL as: " + uid.describe());
        }
        return Optional.of(new int[] {
            Integer.parseInt(uid.stdout().trim()), Integer.parseInt(gid.stdout().trim())
        });
    }

    private static List<String> withUser(Optional<int[]> user, List<String> command) {
        if (user.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add(locateOnPath("setpriv").orElse(Path.of("/usr/bin/setpriv")).toString());
        wrapped.add("--reuid=" + user.get()[0]);
        wrapped.add("--regid=" + user.get()[1]);
        wrapped.add("--clear-groups");
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    private static CommandRunner.Result runAs(Optional<int[]> user, List<String> command, Duration timeout) {
        return CommandRunner.run(withUser(user, command), timeout);
    }

    private static void chownRecursively(Path dir, int[] user) throws IOException {
        // The temp dir is 0700 and owned by root; the unprivileged server must own it and its files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                Files.setAttribute(p, "unix:uid", user[0]);
                Files.setAttribute(p, "unix:gid", user[1]);
            }
        }
    }

    /** The directory holding initdb and postgres. */
    static Path binDirectory() {
        Optional<Path> onPath = locateOnPath("initdb").map(p -> resolveLink(p).getParent());
        if (onPath.isPresent() && Files.isExecutable(onPath.get().resolve("postgres"))) {
            return onPath.get();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .max(Comparator.comparingInt(PostgresServer::majorVersion));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                // fall through to the advice
            }
        }
        throw new IllegalStateException(
                "PostgreSQL binaries (initdb, postgres) not found on PATH nor under /usr/lib/postgresql/*/bin;"
                        + " run ./scripts/test, which installs the postgresql package with apt-get");
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Path resolveLink(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static Optional<Path> locateOnPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Optional.of(Path.of(d, name).toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl() + ", pid " + process.pid() + "]";
    }
}
