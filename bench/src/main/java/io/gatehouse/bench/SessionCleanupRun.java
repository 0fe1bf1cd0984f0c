package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.session.CleanupBatch;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code sessions cleanup} over N sessions of which half are expired (not JMH: one pass is one long
 * operation). N users get one session each, the first half before the idle timeout passes (so half
 * the sessions are expired: their keys are deleted by the pass) and the second half after it (a login
 * of the same user would itself drop the user's expired entry). Prints the pass time, sessions removed per second,
 * Redis CPU (INFO cpu delta), this JVM's CPU, Redis's commandstats of the pass and the SLOWLOG entries
 * over 1 and 10 ms; a dry run over the same keys (SCAN and a GET per user, no writes) runs first.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.SessionCleanupRun 1000000</pre>
 */
public final class SessionCleanupRun {
    private SessionCleanupRun() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int users = sessions;
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RedisConnector connector = BenchRedis.connector(stores);
            Moving clock = new Moving(Instant.now());
            GatehouseConfig config = redis.config().toBuilder()
                    .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                    .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                    .build();
            SessionStore store = SessionStore.builder()
                    .config(config)
                    .stores(stores)
                    .clock(clock)
                    .build();
            fill(store, 0, users / 2);
            clock.advance(store.settings().idleTimeout().plusSeconds(1));
            fill(store, users / 2, users);
            // Every call over 1 ms is logged (and kept: the default 128 entries would cap the count), so
            // both the count over 10 ms and the slowest call are known.
            redis.cli("CONFIG", "SET", "slowlog-log-slower-than", "1000");
            redis.cli("CONFIG", "SET", "slowlog-max-len", "100000");
            redis.cli("SLOWLOG", "RESET");

            long t0 = System.nanoTime();
            CleanupBatch dry = store.cleanup(1000, true).runToEnd();
            double drySeconds = (System.nanoTime() - t0) / 1e9;
            Slow drySlow = Slow.read(connector);

            redis.cli("CONFIG", "RESETSTAT");
            double cpu0 = redis.cpuSeconds();
            long client0 = clientCpuNanos();
            long t1 = System.nanoTime();
            // What `gatehouse sessions cleanup` runs: the resumable pass (its progress stored per batch).
            CleanupBatch pass = store.resumableCleanup(1000, true).runToEnd();
            double seconds = (System.nanoTime() - t1) / 1e9;
            double cpu = redis.cpuSeconds() - cpu0;
            double clientCpu = (clientCpuNanos() - client0) / 1e9;
            String commands = commandStats(redis);
            Slow slow = Slow.read(connector);
            System.out.printf("sessions=%d users=%d expired=%d%n", sessions, users, dry.entriesRemoved());
            System.out.printf("dry run: %.2fs (%,.0f users/s)%n", drySeconds, users / drySeconds);
            System.out.printf(
                    "cleanup: %.2fs, %d removed, %,.0f sessions removed/s, %d users visited, redis cpu %.2fs (%.0f%% of one core), "
                            + "slowlog: %s; cleanup/dry-run time ratio %.2f%n",
                    seconds,
                    pass.entriesRemoved(),
                    pass.entriesRemoved() / seconds,
                    pass.usersVisited(),
                    cpu,
                    100 * cpu / seconds,
                    slow,
                    seconds / drySeconds);
            System.out.printf(
                    "cleanup client (this JVM) cpu %.2fs (%.0f%% of one core); redis commands: %s%n",
                    clientCpu, 100 * clientCpu / seconds, commands);
            System.out.println("dry run slowlog: " + drySlow);
        }
    }

    private static void fill(SessionStore store, int first, int end) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> parts = new ArrayList<>();
            int per = (end - first + 15) / 16;
            for (int t = 0; t < 16; t++) {
                int from = first + t * per;
                int to = Math.min(end, from + per);
                parts.add(pool.submit(() -> {
                    for (int u = from; u < to; u++) {
                        store.create(NewSession.forUser("u" + u).build());
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A clock the run moves past the idle timeout, so the first half of the sessions expire. */
    private static final class Moving extends Clock {
        private volatile Instant now;

        Moving(Instant start) {
            this.now = start;
        }

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** The SLOWLOG since the last read (which resets it): calls over 1 ms and over 10 ms, the slowest. */
    private record Slow(int over1ms, int over10ms, long maxMicros, String slowest) {
        static Slow read(RedisConnector c) {
            List<Object> entries = c.sync(x -> x.slowlogGet(100_000));
            c.sync(x -> x.slowlogReset());
            int over10 = 0;
            long max = 0;
            String slowest = "-";
            for (Object o : entries) {
                List<?> e = (List<?>) o;
                long micros = (Long) e.get(2);
                if (micros > 10_000) {
                    over10++;
                }
                if (micros > max) {
                    max = micros;
                    slowest = String.valueOf(((List<?>) e.get(3)).get(0));
                }
            }
            return new Slow(entries.size(), over10, max, slowest);
        }

        @Override
        public String toString() {
            return String.format(
                    "%d calls over 1 ms, %d over 10 ms, slowest %.2f ms (%s)",
                    over1ms, over10ms, maxMicros / 1000.0, slowest);
        }
    }

    /** CPU time of this JVM (every thread: the pass, Lettuce's I/O threads, GC, JIT). */
    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** INFO commandstats since the last CONFIG RESETSTAT: calls and microseconds per call of each command. */
    private static String commandStats(BenchRedis redis) {
        List<String> out = new ArrayList<>();
        for (String line : redis.cli("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info") && !line.startsWith("cmdstat_config")) {
                String[] f = line.substring("cmdstat_".length()).split("[:,]");
                String calls = "";
                String per = "";
                for (String kv : f) {
                    if (kv.startsWith("calls=")) {
                        calls = kv.substring(6);
                    } else if (kv.startsWith("usec_per_call=")) {
                        per = kv.substring(14);
                    }
                }
                out.add(f[0] + " " + calls + " calls " + per + " us/call");
            }
        }
        return String.join(", ", out);
    }
}
