package io.gatehouse.backup;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} on a free loopback port that loads one RDB file, for counting
 * and copying its keys. No persistence, no network exposure; stopped by its own process handle.
 */
final class Scratch implements AutoCloseable {
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final int PORT_ATTEMPTS = 3;
    /** The folder of a scratch server's AOF files, under its directory. */
    static final String AOF_DIR = "appendonlydir";

    private final Process process;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final int port;

    private Scratch(Process process, int port, RedisClient client, StatefulRedisConnection<byte[], byte[]> connection) {
        this.process = process;
        this.port = port;
        this.client = client;
        this.connection = connection;
    }

    /** Starts a server that loads {@code rdb} (moved into {@code dir}) and returns once it answers. */
    static Scratch load(String binary, Path rdb, Path dir, String what) {
        try {
            Files.createDirectories(dir);
            Files.move(rdb, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BackupException(what + ": cannot prepare the scratch server: " + e.getMessage(), e);
        }
        return start(binary, dir, what, List.of("--appendonly", "no"));
    }

    /**
     * Starts a server that loads the multi-part AOF in {@code dir/}{@value #AOF_DIR} (its manifest named
     * {@code <appendFilename>.manifest}); a command cut off at the end of the last file is dropped.
     */
    static Scratch loadAof(String binary, Path dir, String appendFilename, String what) {
        return start(
                binary,
                dir,
                what,
                List.of(
                        "--appendonly",
                        "yes",
                        "--appenddirname",
                        AOF_DIR,
                        "--appendfilename",
                        appendFilename,
                        "--aof-load-truncated",
                        "yes",
                        "--auto-aof-rewrite-percentage",
                        "0"));
    }

    private static Scratch start(String binary, Path dir, String what, List<String> persistence) {
        BackupException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return start(binary, dir, freePort(), what, persistence);
            } catch (PortTaken e) {
                last = new BackupException(what + ": scratch server: " + e.getMessage());
            }
        }
        throw last;
    }

    private static Scratch start(String binary, Path dir, int port, String what, List<String> persistence) {
        Path log = dir.resolve("redis.log");
        List<String> args = new ArrayList<>(List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                dir.toString(),
                "--dbfilename",
                "dump.rdb",
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
                "--logfile",
                log.toString()));
        args.addAll(persistence);
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BackupException("cannot run " + binary + " (install redis-server): " + e.getMessage(), e);
        }
        RedisClient client = RedisClient.create();
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    String tail = tail(log);
                    if (tail.contains("Address already in use")) {
                        throw new PortTaken(tail);
                    }
                    throw new BackupException(what + ": redis-server could not load the snapshot: " + tail);
                }
                try {
                    StatefulRedisConnection<byte[], byte[]> c = client.connect(
                            ByteArrayCodec.INSTANCE,
                            RedisURI.builder()
                                    .withHost("127.0.0.1")
                                    .withPort(port)
                                    .withTimeout(Duration.ofMinutes(2))
                                    .build());
                    try {
                        c.sync().ping();
                        return new Scratch(p, port, client, c);
                    } catch (RuntimeException loading) {
                        c.close();
                    }
                } catch (RuntimeException notYet) {
                    // not listening yet
                }
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            throw new BackupException(
                    what + ": the scratch redis-server did not load the snapshot within " + LOAD_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException(what + ": interrupted");
        } catch (RuntimeException e) {
            p.destroyForcibly();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BackupException("no free loopback port for the scratch server: " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines =
                    Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty()
                    ? "(empty log)"
                    : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    StatefulRedisConnection<byte[], byte[]> connection() {
        return connection;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
