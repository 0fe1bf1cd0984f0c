package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One running {@code redis-server} (or {@code redis-sentinel}) process on a loopback port, with
 * its own temporary directory holding its config file, logs and (for cluster nodes)
 * {@code nodes.conf}.
 *
 * <p>Instances come from the deployments ({@link StandaloneRedis#start()} and friends). The
 * process is always stopped by pid; closing the node also deletes its directory.
 */
public final class RedisNode implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    // Generous: on a starved machine (the suite runs modules side by side) a TLS node and its redis-cli probes
    // can take seconds; a node that is ready returns at once.
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READY_INTERVAL = Duration.ofMillis(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final NodeSpec spec;
    private final Path dir;
    private volatile Process process;
    private boolean closed; // guarded by this

    private RedisNode(NodeSpec spec, Path dir) {
        this.spec = spec;
        this.dir = dir;
    }

    /**
     * Starts a node in a new temp dir and waits until it answers PING. On failure nothing is left
     * behind; a {@link PortClashException} tells the caller to retry with other ports.
     */
    static RedisNode start(NodeSpec spec) {
        PidRegistry.reapOrphansOnce();
        RedisNode node = new RedisNode(spec, TempDirs.create());
        try {
            for (var file : spec.files().entrySet()) {
                Files.writeString(node.dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            Files.writeString(node.configFile(), spec.render(node.dir), StandardCharsets.UTF_8);
            synchronized (node) {
                node.launch();
            }
            return node;
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException("cannot write the config of " + node, e);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * The address to connect to.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return HOST;
    }

    /**
     * The TCP port; for a TLS node the {@code tls-port} (its plain port is disabled).
     *
     * @return the port, unchanged across {@link #restart()}
     */
    public int port() {
        return spec.port();
    }

    /**
     * The pid of the current process, or of the last one if the node was killed or closed.
     *
     * @return the pid; changes on {@link #restart()}
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The node's own temporary directory: config file, {@code redis.log}, {@code stdout.log}, and for
     * cluster nodes {@code nodes.conf}. Deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /**
     * Kills the process with SIGKILL (no shutdown, no save) and waits until it is gone. The node
     * can be started again with {@link #restart()}.
     */
    public synchronized void kill() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroyForcibly();
        awaitExit(current, EXIT_TIMEOUT);
        PidRegistry.unregister(current.pid());
    }

    /**
     * Starts the process again with the same port, directory and config file (which Sentinel and
     * Cluster may have rewritten), and waits until it answers PING (over TLS for TLS nodes). A node
     * that is still running is stopped first, as by {@link #close()} but keeping its directory.
     *
     * @throws IllegalStateException if the node was closed or does not come up; the message holds
     *     the tail of its log
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        Process current = process;
        if (current != null && current.isAlive()) {
            stop(current);
        }
        launch();
    }

    /**
     * Whether the process is running (it may not be ready to answer yet).
     *
     * @return true while the current process is alive
     */
    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /**
     * Stops the process by pid, SIGTERM then SIGKILL after 2 s, waits until it is gone and deletes
     * the node's directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Process current = process;
        if (current != null) {
            stop(current);
        }
        LiveNodes.remove(this);
        TempDirs.deleteRecursively(dir);
    }

    /**
     * Runs {@code redis-cli} against this node with the flags it needs (TLS files, user and
     * password) and returns its trimmed stdout. Cluster redirections are not followed.
     *
     * @param args the command and its arguments, e.g. {@code "SET", "k", "v"}
     * @return what redis-cli printed, trimmed
     * @throws IllegalStateException if redis-cli fails or Redis answers with an error (for example
     *     {@code NOPERM} or {@code MOVED}); the message holds redis-cli's stderr and stdout
     */
    public String cli(String... args) {
        return RedisCli.checked(port(), spec.cliArgs(), args);
    }

    /**
     * Describes the node for messages.
     *
     * @return program, address and pid
     */
    @Override
    public String toString() {
        Process current = process;
        return spec.kind().binary()
                + " "
                + HOST
                + ":"
                + port()
                + (current == null ? "" : " (pid " + current.pid() + ")");
    }

    private Path configFile() {
        return dir.resolve(spec.kind().configFileName());
    }

    /** Starts the process and waits for readiness; caller holds the lock. */
    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(
                        Binaries.locate(spec.kind().binary()).toString(),
                        configFile().toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(LogTail.STDOUT_FILE).toFile()));
        Process started;
        try {
            started = builder.start();
            started.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.kind().binary(), e);
        }
        process = started;
        PidRegistry.register(started.toHandle(), dir);
        LiveNodes.add(this);
        awaitReady(started);
    }

    private void awaitReady(Process started) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!started.isAlive()) {
                throw startupFailure(started, "exited with code " + started.exitValue() + " during startup");
            }
            if (answersPing() && isServedBy(started)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw startupFailure(started, "did not answer PING within " + READY_TIMEOUT.toSeconds() + " s");
            }
            Poll.sleep(READY_INTERVAL);
        }
    }

    private boolean answersPing() {
        // A TCP connect is far cheaper than spawning redis-cli; TLS nodes skip it because a bare
        // connect makes them log a handshake error that would clutter the log tail.
        if (!spec.tls() && !acceptsConnections()) {
            return false;
        }
        CommandRunner.Result result = probe("PING");
        return result != null && result.ok() && result.stdout().trim().equals("PONG");
    }

    /**
     * Guards against a port clash with another Redis that answered PING in our place: the answering
     * server must report our pid.
     */
    private boolean isServedBy(Process started) {
        CommandRunner.Result result = probe("INFO", "server");
        if (result == null) {
            return false;
        }
        String pid = Replies.infoFields(result.stdout()).get("process_id");
        return result.ok() && Long.toString(started.pid()).equals(pid);
    }

    /** A redis-cli probe during startup, or null when it timed out (not ready yet: asked again until the deadline). */
    private CommandRunner.Result probe(String... args) {
        try {
            return RedisCli.run(port(), spec.cliArgs(), PROBE_TIMEOUT, args);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private RuntimeException startupFailure(Process started, String reason) {
        if (started.isAlive()) {
            started.destroyForcibly();
            awaitExit(started, EXIT_TIMEOUT);
        }
        PidRegistry.unregister(started.pid());
        String message = this + " " + reason + LogTail.of(dir);
        if (LogTail.contains(dir, "Address already in use")) {
            return new PortClashException(message);
        }
        return new IllegalStateException(message);
    }

    private void stop(Process current) {
        current.destroy(); // SIGTERM: Redis shuts down cleanly (and Sentinel/Cluster save their state)
        if (!awaitExit(current, STOP_GRACE)) {
            current.destroyForcibly();
            awaitExit(current, EXIT_TIMEOUT);
        }
        PidRegistry.unregister(current.pid());
    }

    private static boolean awaitExit(Process current, Duration timeout) {
        try {
            return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !current.isAlive();
        }
    }
}
