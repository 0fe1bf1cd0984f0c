package io.gatehouse.bench;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Refresh rotations per second through the library ({@link TokenService#refresh}: read the refresh token,
 * check revocation, sign a new refresh and a new access token, run the check-and-rotate script) against
 * a local Redis, for both refresh-token signing modes and several thread counts in one run. Each thread
 * refreshes its own chain.
 *
 * <p>The two modes run side by side on one Redis (two services), interleaved round by round so that a
 * change of load on the shared machine hits both alike. Each measurement is followed by a same-moment
 * calibration: bare Nimbus ES256 JWT signatures on the same number of threads. A refresh with asymmetric
 * JWT refresh tokens signs two ES256 JWTs, so {@code refreshes / signatures} cannot exceed 0.5 in that mode
 * (1.0 with opaque or hmac refresh tokens, which sign one: the access token); the ratio is the figure that
 * travels between machines. The load average is printed with every line.
 *
 * <p>Modes: {@code opaque} (the default: opaque refresh tokens, one ES256 signature per refresh),
 * {@code asymmetric} (ES256 JWT refresh tokens, the default before opaque ones), {@code hmac} (HS256 JWT
 * refresh tokens), and any JWT mode with {@code +verify}: the presented token's signature also verified
 * before each refresh, the cost before rotate.lua's hash match made that verification unnecessary.
 * Any mode with {@code @jdk} signs with the JDK's ES256 engine instead of the default Bouncy Castle one
 * ({@code gatehouse.tokens.es256-engine}); each round measures both bare ceilings, JDK and BC.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RefreshRotationThroughput [seconds] [threads,...] [rounds] [modes,...]</pre>
 */
public final class RefreshRotationThroughput {
    /** A mode name ending in this runs the old path's crypto: see {@link #run}. */
    private static final String VERIFY_SUFFIX = "+verify";
    /** A mode name ending in this signs with the JDK's ES256 engine ({@code gatehouse.tokens.es256-engine=jdk}). */
    private static final String JDK_SUFFIX = "@jdk";

    private RefreshRotationThroughput() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int[] threadCounts = Arrays.stream((args.length > 1 ? args[1] : "1,4,16").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> modes = List.of((args.length > 3 ? args[3] : "opaque,asymmetric,hmac").split(","));
        System.out.printf(
                "JDK %s, %d s per measurement, threads %s, %d rounds, load average at start %s%n",
                Runtime.version(), seconds, Arrays.toString(threadCounts), rounds, loadAverage());
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = BenchTokens.stores(redis)) {
            RedisConnector connector = BenchRedis.connector(stores);
            CpuProbe cpu = new CpuProbe(connector);
            Map<String, TokenService> services = new LinkedHashMap<>();
            try {
                for (String mode : modes) {
                    String base = mode.replace(VERIFY_SUFFIX, "").replace(JDK_SUFFIX, "");
                    GatehouseConfig.Builder config = redis.config().toBuilder()
                            .set("gatehouse.tokens.es256-engine", mode.contains(JDK_SUFFIX) ? "jdk" : "bouncycastle");
                    if (base.equals("opaque")) {
                        config.set("gatehouse.tokens.refresh.format", "opaque");
                    } else {
                        config.set("gatehouse.tokens.refresh.format", "jwt")
                                .set("gatehouse.tokens.refresh.signing", base);
                    }
                    services.put(
                            mode,
                            TokenService.builder()
                                    .config(config.build())
                                    .stores(stores)
                                    .build());
                }
                for (var e : services.entrySet()) {
                    run(e.getValue(), 8, 15, "warm-up " + e.getKey(), e.getKey().endsWith(VERIFY_SUFFIX), cpu);
                    commandsPerRefresh(connector, e.getValue(), e.getKey());
                }
                signingCeiling(8, 5, "warm-up", false, cpu);
                signingCeiling(8, 5, "warm-up", true, cpu);
                for (int round = 1; round <= rounds; round++) {
                    for (int threads : threadCounts) {
                        for (var e : services.entrySet()) {
                            double refreshes = run(
                                    e.getValue(),
                                    threads,
                                    seconds,
                                    "round " + round + " " + e.getKey(),
                                    e.getKey().endsWith(VERIFY_SUFFIX),
                                    cpu);
                            int ceilingSeconds = Math.max(3, seconds / 2);
                            double signs = signingCeiling(threads, ceilingSeconds, "ceiling (JDK)", false, cpu);
                            double bcSigns = signingCeiling(threads, ceilingSeconds, "ceiling (BC)", true, cpu);
                            System.out.printf(
                                    "    RESULT mode=%s threads=%d round=%d refreshes/s=%.0f es256/s=%.0f ratio=%.3f"
                                            + " es256-bc/s=%.0f ratio-bc=%.3f load=%s%n",
                                    e.getKey(),
                                    threads,
                                    round,
                                    refreshes,
                                    signs,
                                    refreshes / signs,
                                    bcSigns,
                                    refreshes / bcSigns,
                                    loadAverage());
                        }
                    }
                }
            } finally {
                services.values().forEach(TokenService::close);
            }
        }
    }

    /** Redis commands per refresh, from INFO commandstats around 1,000 sequential refreshes: the round trips. */
    private static void commandsPerRefresh(RedisConnector connector, TokenService tokens, String mode) {
        String refresh = tokens.issue(TokenRequest.of("user-stats", "sess-stats-" + mode))
                .refreshToken();
        connector.sync(c -> c.configResetstat());
        int n = 1000;
        for (int i = 0; i < n; i++) {
            refresh = tokens.refresh(refresh).refreshToken();
        }
        String stats = connector.sync(c -> c.info("commandstats"));
        StringBuilder line = new StringBuilder();
        for (String l : stats.split("\r?\n")) {
            if (l.startsWith("cmdstat_")) {
                String name = l.substring("cmdstat_".length(), l.indexOf(':'));
                long calls = Long.parseLong(l.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                line.append(String.format(" %s=%.2f", name, calls / (double) n));
            }
        }
        System.out.printf(
                "  commands per refresh (%s, from commandstats over %d refreshes, the revocation readers' XREAD calls included):%s%n",
                mode, n, line);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    /**
     * Bare ES256 JWT signatures per second on {@code threads} threads (the cost every refresh includes once
     * or twice): Nimbus's JWT writing with the JDK's ECDSA ({@code bouncyCastle} false, Nimbus's own
     * {@code ECDSASigner}) or with Bouncy Castle's (true, the engine Gatehouse signs with by default).
     */
    private static double signingCeiling(int threads, int seconds, String label, boolean bouncyCastle, CpuProbe cpu)
            throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("calibration").generate();
        JWSSigner signer = bouncyCastle ? BenchTokens.bouncyCastleEs256(key) : new ECDSASigner(key);
        JWTClaimsSet claims = BenchTokens.sampleAccessClaims();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        BenchTokens.signBare(signer, claims);
                        done.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            workers.add(w);
        }
        CpuProbe.Sample c0 = cpu.sample(workers);
        long n0 = done.sum();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        long n = done.sum() - n0;
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        CpuProbe.Sample c1 = cpu.sample(workers);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        System.out.printf(
                "  %-22s %3d thr %,8.0f bare ES256 signatures/s   CPU us per signature: %s   load %s%n",
                label, threads, rate, c1.minus(c0).per(n), loadAverage());
        return rate;
    }

    /**
     * @param verifyFirst also verify the presented refresh token's signature before each refresh: the
     *                    crypto of the path before the hash-match shortcut (verify + two signatures), the
     *                    same-run baseline of the {@code asymmetric+verify} mode
     */
    private static double run(
            TokenService tokens, int threads, int seconds, String label, boolean verifyFirst, CpuProbe cpu)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        Recorder latency = new Recorder(3);
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                String refresh = tokens.issue(TokenRequest.of("user-" + id, "sess-" + id + "-" + label.hashCode())
                                .roles("user"))
                        .refreshToken();
                started.countDown();
                while (!stop.get()) {
                    long s = System.nanoTime();
                    if (verifyFirst) {
                        tokens.verifyRefresh(refresh);
                    }
                    TokenPair next = tokens.refresh(refresh);
                    latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s));
                    refresh = next.refreshToken();
                    done.increment();
                }
            });
            w.start();
            workers.add(w);
        }
        started.await();
        cpu.resetScriptStats();
        CpuProbe.Sample c0 = cpu.sample(workers);
        long n0 = done.sum();
        latency.getIntervalHistogram();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        long n = done.sum() - n0;
        long elapsed = System.nanoTime() - t0;
        var h = latency.getIntervalHistogram();
        CpuProbe.Sample c1 = cpu.sample(workers);
        String script = cpu.scriptStats();
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double rate = n / (elapsed / 1e9);
        System.out.printf(
                "  %-22s %3d thr %,8.0f refreshes/s   latency us: p50 %d p99 %d p99.9 %d max %d   load %s%n"
                        + "      CPU us per refresh: %s; redis %s%n",
                label,
                threads,
                rate,
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue(),
                loadAverage(),
                c1.minus(c0).per(n),
                script);
        return rate;
    }

    /**
     * CPU time spent in a measured window, split by who spent it: the calling threads (the refresh or
     * signing workers), the rest of this JVM (Lettuce's event loop, timers, GC, JIT), and redis-server
     * (its {@code INFO cpu}). Divided by the operations of the window, it is the cost of one operation,
     * which moves far less with the other users' load than the rate does: the figure to compare when the
     * rate is noisy.
     */
    static final class CpuProbe {
        private final RedisConnector redis;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        private final long redisPid;

        CpuProbe(RedisConnector redis) {
            this.redis = redis;
            this.redisPid =
                    Long.parseLong(redis.sync(c -> c.info("server")).replaceAll("(?s).*process_id:(\\d+).*", "$1"));
        }

        record Sample(long callersNs, long processNs, long redisUs, long[] jvmKernel, long[] redisKernel) {
            Sample minus(Sample o) {
                return new Sample(
                        callersNs - o.callersNs,
                        processNs - o.processNs,
                        redisUs - o.redisUs,
                        diff(jvmKernel, o.jvmKernel),
                        diff(redisKernel, o.redisKernel));
            }

            private static long[] diff(long[] a, long[] b) {
                long[] d = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    d[i] = a[i] - b[i];
                }
                return d;
            }

            String per(long ops) {
                double callers = callersNs / 1e3 / ops;
                double jvm = processNs / 1e3 / ops;
                double redis = redisUs / (double) ops;
                return String.format(
                        "callers %.1f + other JVM threads %.1f + redis-server %.1f = %.1f"
                                + " (per op: JVM read/write syscalls %.2f/%.2f, context switches %.2f;"
                                + " redis read/write syscalls %.2f/%.2f, context switches %.2f)",
                        callers,
                        jvm - callers,
                        redis,
                        jvm + redis,
                        jvmKernel[0] / (double) ops,
                        jvmKernel[1] / (double) ops,
                        jvmKernel[2] / (double) ops,
                        redisKernel[0] / (double) ops,
                        redisKernel[1] / (double) ops,
                        redisKernel[2] / (double) ops);
            }
        }

        Sample sample(List<Thread> callers) {
            long callersNs = 0;
            for (Thread t : callers) {
                callersNs += Math.max(0, threads.getThreadCpuTime(t.threadId()));
            }
            return new Sample(
                    callersNs,
                    os.getProcessCpuTime(),
                    redisCpuUs(),
                    kernel(ProcessHandle.current().pid()),
                    kernel(redisPid));
        }

        /**
         * read and write system calls (from /proc/PID/io: every read-like and write-like call, sockets, pipes
         * and eventfds included) and context switches, voluntary and not, summed over the process's threads.
         */
        private static long[] kernel(long pid) {
            long[] k = new long[3];
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                    if (l.startsWith("syscr:")) {
                        k[0] = Long.parseLong(l.substring(6).trim());
                    } else if (l.startsWith("syscw:")) {
                        k[1] = Long.parseLong(l.substring(6).trim());
                    }
                }
                try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    for (Path task : tasks.toList()) {
                        try {
                            for (String l : Files.readAllLines(task.resolve("status"))) {
                                if (l.startsWith("voluntary_ctxt_switches:")
                                        || l.startsWith("nonvoluntary_ctxt_switches:")) {
                                    k[2] += Long.parseLong(
                                            l.substring(l.indexOf(':') + 1).trim());
                                }
                            }
                        } catch (java.io.IOException gone) {
                            // a thread that ended between the listing and the read
                        }
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux, or not readable: the figures print as zero
            }
            return k;
        }

        private long redisCpuUs() {
            double s = 0;
            for (String l : redis.sync(c -> c.info("cpu")).split("\r?\n")) {
                if (l.startsWith("used_cpu_sys:") || l.startsWith("used_cpu_user:")) {
                    s += Double.parseDouble(l.substring(l.indexOf(':') + 1).trim());
                }
            }
            return Math.round(s * 1e6);
        }

        void resetScriptStats() {
            redis.sync(c -> c.configResetstat());
        }

        /** The EVALSHA line of INFO commandstats since {@link #resetScriptStats}: calls and server time per call. */
        String scriptStats() {
            for (String l : redis.sync(c -> c.info("commandstats")).split("\r?\n")) {
                if (l.startsWith("cmdstat_evalsha:")) {
                    return l.substring("cmdstat_".length());
                }
            }
            return "no evalsha";
        }
    }
}
