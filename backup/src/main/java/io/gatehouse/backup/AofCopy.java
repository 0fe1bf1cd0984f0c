package io.gatehouse.backup;

import io.gatehouse.config.HostAndPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Copies a node's multi-part AOF (Redis 7: the {@code appenddirname} folder with a manifest, one base
 * file and incremental files) on the Redis host, as the Redis persistence docs prescribe: automatic
 * rewrites off ({@code auto-aof-rewrite-percentage 0}), wait until no rewrite runs, copy the manifest
 * and every file it lists, rewrites back to their old setting. While rewrites are off Redis only
 * appends to the last incremental file, so the copied set is consistent (a command cut off at the end
 * of it is dropped at load, {@code aof-load-truncated}). Real copies rather than hard links: the
 * scratch server that counts the keys later writes to its files, and must never write to Redis's own.
 *
 * <p>The user needs {@code CONFIG GET}, {@code CONFIG SET} and {@code INFO} (the shipped {@code ops}
 * user has no {@code CONFIG}; see docs/BACKUPS.md).
 */
final class AofCopy {
    private static final Duration REWRITE_WAIT = Duration.ofMinutes(10);
    private static final String PAUSE = "auto-aof-rewrite-percentage";

    private AofCopy() {}

    /**
     * The copied set.
     *
     * @param appendFilename the node's {@code appendfilename}: the manifest is {@code <it>.manifest}
     * @param files          the manifest first, then the files it lists, in {@code dir}
     */
    record Copied(String appendFilename, List<Path> files) {}

    /** Copies the AOF of {@code node}, which must keep it in {@code aofDir}, into {@code into}. */
    static Copied copy(RedisCli cli, HostAndPort node, Path aofDir, Path into, Progress progress) {
        String what = "--aof-dir " + aofDir;
        check(cli, node, aofDir);
        String appendFilename = config(cli, node, "appendfilename");
        String before = config(cli, node, PAUSE);
        cli.data(node, "CONFIG", "SET", PAUSE, "0");
        try {
            awaitNoRewrite(cli, node, what);
            Path manifest = aofDir.resolve(appendFilename + ".manifest");
            List<Path> files = new ArrayList<>();
            files.add(copyOne(manifest, into, progress));
            for (String name : liveFiles(Files.readAllLines(manifest), manifest)) {
                files.add(copyOne(aofDir.resolve(name), into, progress));
            }
            return new Copied(appendFilename, files);
        } catch (IOException e) {
            throw new BackupException(what + ": cannot copy the AOF: " + e.getMessage(), e);
        } finally {
            cli.data(node, "CONFIG", "SET", PAUSE, before);
        }
    }

    /** Fails unless {@code node} runs with AOF on and keeps it in {@code aofDir}; changes nothing. */
    static void check(RedisCli cli, HostAndPort node, Path aofDir) {
        String what = "--aof-dir " + aofDir;
        if (!"1".equals(info(cli, node).get("aof_enabled"))) {
            throw new BackupException(what + ": " + node + " runs with appendonly no (no AOF to copy)");
        }
        Path served = served(cli, node);
        if (!same(served, aofDir)) {
            throw new BackupException(what + ": " + node + " keeps its AOF in " + served
                    + " (run the backup on that node's host, with that folder)");
        }
    }

    /**
     * Whether {@code node} runs on this host and keeps its AOF in {@code aofDir}. Both: nodes on other
     * hosts often use the same path, which then also exists here.
     */
    static boolean keepsAofIn(RedisCli cli, HostAndPort node, Path aofDir) {
        return isLocal(node.host()) && same(served(cli, node), aofDir);
    }

    /** Whether {@code host} names an address of this machine. */
    static boolean isLocal(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path served(RedisCli cli, HostAndPort node) {
        return Path.of(config(cli, node, "dir")).resolve(config(cli, node, "appenddirname"));
    }

    private static boolean same(Path served, Path aofDir) {
        try {
            return Files.isDirectory(aofDir) && Files.isDirectory(served) && Files.isSameFile(served, aofDir);
        } catch (IOException e) {
            throw new BackupException("--aof-dir " + aofDir + ": " + e.getMessage(), e);
        }
    }

    /** The base and incremental files of an AOF manifest ({@code file NAME seq N type b|i|h}); history is skipped. */
    static List<String> liveFiles(List<String> manifest, Path what) {
        List<String> out = new ArrayList<>();
        for (String line : manifest) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i + 1 < f.length; i += 2) {
                fields.put(f[i], f[i + 1]);
            }
            String name = fields.get("file");
            String type = fields.get("type");
            if (name == null || type == null || name.contains("/") || name.startsWith(".")) {
                throw new BackupException(what + ": not an AOF manifest line: " + line);
            }
            if (!type.equals("h")) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new BackupException(what + ": the AOF manifest lists no base or incremental file");
        }
        return out;
    }

    private static Path copyOne(Path file, Path into, Progress progress) throws IOException {
        Path to = into.resolve(file.getFileName().toString());
        long size = Files.size(file);
        // The progress report is also how a test sees that rewrites are off while this runs.
        progress.report("copy AOF " + file.getFileName(), 0, size);
        Files.copy(file, to);
        progress.report("copy AOF " + file.getFileName(), Files.size(to), size);
        return to;
    }

    private static void awaitNoRewrite(RedisCli cli, HostAndPort node, String what) {
        long deadline = System.nanoTime() + REWRITE_WAIT.toNanos();
        while (true) {
            Map<String, String> p = info(cli, node);
            if ("0".equals(p.get("aof_rewrite_in_progress")) && "0".equals(p.get("aof_rewrite_scheduled"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BackupException(what + ": an AOF rewrite on " + node + " still runs after " + REWRITE_WAIT);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException(what + ": interrupted");
            }
        }
    }

    private static Map<String, String> info(RedisCli cli, HostAndPort node) {
        Map<String, String> out = new HashMap<>();
        for (String line : cli.data(node, "INFO", "persistence")) {
            int i = line.indexOf(':');
            if (i > 0) {
                out.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        return out;
    }

    /** {@code CONFIG GET name}: redis-cli prints the name, then the value. */
    private static String config(RedisCli cli, HostAndPort node, String name) {
        List<String> reply = cli.data(node, "CONFIG", "GET", name);
        if (reply.size() < 2) {
            throw new BackupException(node + ": CONFIG GET " + name + " returned nothing");
        }
        return reply.get(1);
    }
}
