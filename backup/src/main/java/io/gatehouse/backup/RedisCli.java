package io.gatehouse.backup;

import io.gatehouse.config.HostAndPort;
import io.gatehouse.config.RedisEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-cli} (redis-tools) against one node of a deployment with its TLS settings and ACL
 * user. The password goes through the {@code REDISCLI_AUTH} environment variable, so it never shows on
 * a command line in {@code ps}; the user name is not secret.
 */
final class RedisCli {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final RedisEndpoint endpoint;
    private final String binary;
    private final Optional<String> username;
    private final Optional<String> password;

    /** With the endpoint's own ACL user. */
    RedisCli(RedisEndpoint endpoint, String binary) {
        this(endpoint, binary, endpoint.username(), endpoint.password());
    }

    /** As another ACL user of the same deployment (the backup user, for example {@code ops}). */
    RedisCli(RedisEndpoint endpoint, String binary, Optional<String> username, Optional<String> password) {
        this.endpoint = endpoint;
        this.binary = binary;
        this.username = username;
        this.password = password;
    }

    /** One command on a data node, with the deployment's credentials; its raw reply lines. */
    List<String> data(HostAndPort node, String... command) {
        return run(node, true, command);
    }

    /** One command on a Sentinel, which has no data-node credentials. */
    List<String> sentinel(HostAndPort node, String... command) {
        return run(node, false, command);
    }

    private List<String> run(HostAndPort node, boolean auth, String... command) {
        List<String> args = base(node, auth);
        args.addAll(List.of(command));
        Process p = start(args, auth, null);
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BackupException(node + ": redis-cli " + command[0] + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0
                    || text.startsWith("ERR")
                    || text.startsWith("NOAUTH")
                    || text.startsWith("NOPERM")
                    || text.startsWith("WRONGPASS")) {
                throw new BackupException(node + ": " + command[0] + " failed: " + firstLine(text));
            }
            return text.lines().toList();
        } catch (IOException e) {
            throw new BackupException(node + ": redis-cli failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BackupException(node + ": interrupted");
        }
    }

    /**
     * {@code redis-cli --rdb FILE}: the node sends a fresh RDB snapshot over the replication protocol
     * (as to a new replica), so no access to its disk is needed.
     */
    void rdb(HostAndPort node, Path file, Progress progress) {
        List<String> args = base(node, true);
        args.add("--rdb");
        args.add(file.toString());
        Path log = file.resolveSibling(file.getFileName() + ".log");
        Process p = start(args, true, log);
        try {
            while (!p.waitFor(250, TimeUnit.MILLISECONDS)) {
                if (Files.exists(file)) {
                    progress.report("snapshot " + node, Files.size(file), -1);
                }
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0 || !Files.exists(file)) {
                throw new BackupException(node + ": snapshot (redis-cli --rdb) failed: " + lastLine(out));
            }
            progress.report("snapshot " + node, Files.size(file), Files.size(file));
        } catch (IOException e) {
            throw new BackupException(node + ": snapshot failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BackupException(node + ": snapshot interrupted");
        }
    }

    private List<String> base(HostAndPort node, boolean auth) {
        List<String> args = new ArrayList<>(List.of(binary, "-h", node.host(), "-p", Integer.toString(node.port())));
        if (auth) {
            username.ifPresent(u -> args.addAll(List.of("--user", u)));
        }
        if (endpoint.tls()) {
            args.add("--tls");
            endpoint.caFile().ifPresent(f -> args.addAll(List.of("--cacert", f.toString())));
            endpoint.certFile().ifPresent(f -> args.addAll(List.of("--cert", f.toString())));
            endpoint.keyFile().ifPresent(f -> args.addAll(List.of("--key", f.toString())));
            if (!endpoint.verifyPeer()) {
                args.add("--insecure");
            }
        }
        return args;
    }

    private Process start(List<String> args, boolean auth, Path log) {
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().remove("REDISCLI_AUTH");
        if (auth) {
            password.ifPresent(pw -> pb.environment().put("REDISCLI_AUTH", pw));
        }
        if (log != null) {
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        } else {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new BackupException("cannot run " + binary + " (install redis-tools): " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("(no output)");
    }

    private static String lastLine(String s) {
        List<String> lines = s.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
