package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.backup.BackupTarget;
import io.gatehouse.backup.Backups;
import io.gatehouse.backup.Manifest;
import io.gatehouse.backup.RestoreReport;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.session.SessionStore;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.token.Revocation;
import io.gatehouse.token.TokenService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Backup and restore of N sessions + N revocations against the same-run baseline
 * {@code redis-cli --rdb} + {@code gzip} (create) and {@code gunzip} + a {@code redis-server} that
 * loads the RDB (restore). Ours: {@code Backups.create} (snapshot, zstd, OpenPGP encryption, SHA-256s,
 * key counts in a scratch server) to a local directory, and {@code Backups.restore} (every verify
 * check, then DUMP/RESTORE) into an empty second Redis.
 *
 * <p>Fill: 10,000 sessions through {@code SessionStore.create}; the other sessions are those records
 * under new users' keys, written pipelined (the same bytes per session, in seconds rather than
 * minutes); 20,000 revocations through {@code TokenService.revokeAll} in batches of 2,000, the rest as
 * the same hash, zset and stream entries written pipelined.
 *
 * <p>Create baselines, same run: {@code redis-cli --rdb} + {@code gzip} (level 6), and
 * {@code redis-cli --rdb} + {@code zstd} (level 3, one thread, as ours).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.BackupBench 1000000 3</pre>
 */
public final class BackupBench {
    private static final int THREADS = 4;
    private static final int SAMPLE = 10_000;
    private static final int REVOKE_BATCH = 2_000;
    private static final int REVOKE_SAMPLE = 20_000;

    private BackupBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("gatehouse-backup-bench-");
        try (BenchRedis redis = BenchRedis.start();
                BenchRedis target = BenchRedis.start();
                GpgKeys keys = GpgKeys.generate("bench")) {
            fill(redis, n);
            String hostPort = redis.url().substring("redis://".length());
            String host = hostPort.substring(0, hostPort.indexOf(':'));
            String port = hostPort.substring(hostPort.indexOf(':') + 1);
            System.out.printf(
                    Locale.ROOT,
                    "filled: %s keys, used_memory %.1f MB%n",
                    run(List.of("redis-cli", "-h", host, "-p", port, "DBSIZE")).trim(),
                    redis.usedMemory() / 1e6);
            // Both sides read the snapshot the same way; neither should wait for replicas that never come.
            run(List.of("redis-cli", "-h", host, "-p", port, "CONFIG", "SET", "repl-diskless-sync-delay", "0"));
            GatehouseConfig config = patient(redis.config());
            for (int r = 1; r <= rounds; r++) {
                System.out.printf("round %d, %s%n", r, loadAverage());
                Path base = Files.createDirectories(work.resolve("baseline-" + r));
                Baseline gzip = baseline(host, port, base, List.of("gzip", "-f"), ".gz");
                Path zbase = Files.createDirectories(work.resolve("baseline-zstd-" + r));
                Baseline zstd = baseline(host, port, zbase, List.of("zstd", "-3", "-q", "-T1", "--rm"), ".zst");
                deleteTree(zbase);

                Path dir = work.resolve("ours-" + r);
                Manifest m;
                long t2 = System.nanoTime();
                try (Backups b = backups(config, dir, keys, work)) {
                    m = b.create(Optional.empty()).get(0);
                }
                double ourSeconds = (System.nanoTime() - t2) / 1e9;
                gzip.print("gzip", m.rdbBytes());
                zstd.print("zstd -3", m.rdbBytes());
                System.out.printf(
                        Locale.ROOT,
                        "  create  gatehouse (zstd + OpenPGP + counts): %.2f s, rdb %d B -> %d B (ratio %.2f),"
                                + " %.1f MB/s of snapshot; time ratio ours/gzip-baseline %.2f, ours/zstd-baseline %.2f%n",
                        ourSeconds,
                        m.rdbBytes(),
                        m.storedBytes(),
                        m.rdbBytes() / (double) m.storedBytes(),
                        m.rdbBytes() / 1e6 / ourSeconds,
                        ourSeconds / gzip.seconds(),
                        ourSeconds / zstd.seconds());

                long t3 = System.nanoTime();
                run(List.of("gunzip", "-f", base.resolve("dump.rdb.gz").toString()));
                long loaded = loadWithRedisServer(base);
                double baseRestore = (System.nanoTime() - t3) / 1e9;
                target.flushAll();
                long t4 = System.nanoTime();
                RestoreReport rr;
                try (Backups b = backups(config, dir, keys, work)) {
                    rr = b.restore(
                            m.id(),
                            patient(target.config()).redis(Purpose.TOKENS).orElseThrow(),
                            false,
                            false);
                }
                double ourRestore = (System.nanoTime() - t4) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "  restore baseline gunzip + redis-server load: %.2f s (%d keys)%n",
                        baseRestore,
                        loaded);
                System.out.printf(
                        Locale.ROOT,
                        "  restore gatehouse (verify checks + DUMP/RESTORE into a running Redis): %.2f s,"
                                + " %d keys (%.0f keys/s), %d expired; time ratio ours/baseline %.2f%n",
                        ourRestore,
                        rr.restored(),
                        rr.restored() / ourRestore,
                        rr.expiredSkipped(),
                        ourRestore / baseRestore);
                deleteTree(base);
                deleteTree(dir);
            }
        } finally {
            deleteTree(work);
        }
    }

    /** One baseline create: the snapshot by {@code redis-cli --rdb}, then a compressor on the file. */
    record Baseline(double rdbSeconds, double compressSeconds, long bytes) {
        double seconds() {
            return rdbSeconds + compressSeconds;
        }

        void print(String compressor, long rdbBytes) {
            System.out.printf(
                    Locale.ROOT,
                    "  create  baseline redis-cli --rdb + %s: %.2f s (rdb %.2f s + %s %.2f s),"
                            + " rdb %d B -> %d B (ratio %.2f)%n",
                    compressor,
                    seconds(),
                    rdbSeconds,
                    compressor,
                    compressSeconds,
                    rdbBytes,
                    bytes,
                    rdbBytes / (double) bytes);
        }
    }

    private static Baseline baseline(String host, String port, Path dir, List<String> compress, String suffix)
            throws Exception {
        Path rdb = dir.resolve("dump.rdb");
        long t0 = System.nanoTime();
        run(List.of("redis-cli", "-h", host, "-p", port, "--rdb", rdb.toString()));
        long t1 = System.nanoTime();
        List<String> cmd = new ArrayList<>(compress);
        cmd.add(rdb.toString());
        run(cmd);
        long t2 = System.nanoTime();
        return new Baseline((t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(dir.resolve("dump.rdb" + suffix)));
    }

    private static Backups backups(GatehouseConfig config, Path dir, GpgKeys keys, Path work) {
        return Backups.builder()
                .config(config)
                .target(BackupTarget.local(dir))
                .publicKey(keys.publicKey())
                .secretKey(keys.secretKey())
                .workDir(work)
                .build();
    }

    /** Timeouts for bulk work on a loaded machine rather than for request latency. */
    private static GatehouseConfig patient(GatehouseConfig c) {
        return c.toBuilder().set("gatehouse.redis.command-timeout", "60s").build();
    }

    static void fill(BenchRedis redis, int n) throws Exception {
        GatehouseConfig config = patient(redis.config()).toBuilder()
                .set("gatehouse.tokens.keys.store", "memory")
                .set("gatehouse.tokens.revocation.stream-retention", "1d")
                .build();
        long t0 = System.nanoTime();
        try (Stores stores = Stores.open(config)) {
            RedisConnector connector = BenchRedis.connector(stores);
            SessionStore sessions = SessionWorkload.gatehouse(stores);
            int sample = Math.min(n, SAMPLE);
            parallel(sample, i -> sessions.create(SessionWorkload.login(SessionWorkload.user(i))));
            List<String> values = new ArrayList<>(sample);
            for (int i = 0; i < sample; i++) {
                String key = connector.keys().key("s", SessionWorkload.user(i));
                values.add(connector.sync(c -> c.get(key)));
            }
            long ttl = connector.sync(c -> c.pttl(connector.keys().key("s", SessionWorkload.user(0))));
            List<CompletableFuture<String>> inFlight = new ArrayList<>();
            for (int i = sample; i < n; i++) {
                String key = connector.keys().key("s", SessionWorkload.user(i));
                String value = values.get(i % sample);
                inFlight.add(connector.async(c -> c.psetex(key, ttl, value)));
                if (inFlight.size() == 5000) {
                    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0]))
                            .join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
        }
        long t1 = System.nanoTime();
        try (Stores stores = Stores.open(config);
                TokenService tokens =
                        TokenService.builder().config(config).stores(stores).build()) {
            RedisConnector connector = BenchRedis.connector(stores);
            Instant now = Instant.now();
            Instant until = now.plus(15, ChronoUnit.MINUTES);
            int sample = Math.min(n, REVOKE_SAMPLE);
            parallel(sample / REVOKE_BATCH, i -> {
                List<Revocation> batch = new ArrayList<>(REVOKE_BATCH);
                for (int j = 0; j < REVOKE_BATCH; j++) {
                    batch.add(Revocation.token(UUID.randomUUID().toString(), now, until, "bench"));
                }
                tokens.revokeAll(batch);
            });
            // The rest: exactly what revoke.lua writes for a new token revocation (the info hash entry, the
            // zset entry, the stream entry), pipelined, since the script's per-call work made a 1 M fill take
            // longer than the benchmark on a loaded machine.
            String info = connector.keys().key("rev", "log", "token", "info");
            String zset = connector.keys().key("rev", "log", "token");
            String stream = connector.keys().key("rev", "log", "stream");
            String at = Long.toString(now.toEpochMilli());
            String u = Long.toString(until.toEpochMilli());
            String entry = u + "|" + at + "|bench";
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = sample; i < n; i++) {
                String id = UUID.randomUUID().toString();
                inFlight.add(connector.async(c -> c.hset(info, id, entry)));
                inFlight.add(connector.async(c -> c.zadd(zset, until.toEpochMilli(), id)));
                inFlight.add(connector.async(
                        c -> c.xadd(stream, java.util.Map.of("k", "j", "i", id, "a", at, "u", u, "r", "bench"))));
                if (inFlight.size() >= 15_000) {
                    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0]))
                            .join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
        }
        System.out.printf(
                Locale.ROOT,
                "fill: %d sessions in %.1f s, %d revocations in %.1f s%n",
                n,
                (t1 - t0) / 1e9,
                n,
                (System.nanoTime() - t1) / 1e9);
    }

    private static long loadWithRedisServer(Path dir) throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        dir.toString(),
                        "--dbfilename",
                        "dump.rdb",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            while (true) {
                try {
                    String out = run(List.of("redis-cli", "-p", Integer.toString(port), "DBSIZE"))
                            .trim();
                    if (out.matches("\\d+")) {
                        return Long.parseLong(out);
                    }
                } catch (IllegalStateException notYet) {
                    // not listening yet
                }
                p.waitFor(20, TimeUnit.MILLISECONDS);
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String loadAverage() throws Exception {
        return "load average " + Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: exit " + p.exitValue());
        }
        return out;
    }

    interface Task {
        void run(long i) throws Exception;
    }

    /** Runs task(0..n-1) on exactly THREADS threads (a fork-join pool would add threads while they block). */
    private static void parallel(long n, Task task) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(THREADS);
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        try {
            pool.invokeAll(java.util.Collections.nCopies(THREADS, () -> {
                        for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            task.run(i);
                        }
                        return null;
                    }))
                    .forEach(f -> {
                        try {
                            f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
        } finally {
            pool.shutdownNow();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
