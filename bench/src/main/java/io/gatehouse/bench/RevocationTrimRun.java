package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.redis.RedisConnector;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The longest single {@code revoke.lua} call while a backlog of the revocation stream is trimmed (not JMH:
 * the figure is the worst call of one catch-up, read from Redis's SLOWLOG, which times each script inside
 * Redis). Two backlogs of N entries: <em>aged</em> (older than the one-hour retention, as a mass logout
 * leaves it an hour later) and <em>length</em> (N entries beyond {@code stream-max-length} 1,000). For each,
 * the unbounded script of before ({@code revoke-unbounded.lua}: one call removes everything) and core's
 * {@code revoke.lua} (at most 100 entries per call, called again while it answers "more") run on the
 * same Redis, in turn, {@code trials} times; each call is a cleanup call (no revocation to add), as each
 * process makes every minute.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RevocationTrimRun 100000 3</pre>
 */
public final class RevocationTrimRun {
    private static final long RETENTION_MS = 3_600_000;
    private static final String FILL = """
            local base = tonumber(ARGV[1])
            for i = 1, tonumber(ARGV[2]) do
              redis.call('XADD', KEYS[1], string.format('%d-%d', base + math.floor(i / 4), i % 4),
                'k', 's', 'i', 'sess-' .. i, 'a', ARGV[1], 'u', ARGV[1] + 60000, 'r', 'mass-logout')
            end
            return redis.call('XLEN', KEYS[1])
            """;

    private RevocationTrimRun() {}

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // The bound per call, as RedisRevocationLog passes it (its TRIM_PER_CALL unless given).
        String bound = args.length > 2 ? args[2] : "100";
        String unbounded = resource("/io/gatehouse/bench/revoke-unbounded.lua");
        String bounded = resource("/io/gatehouse/token/revoke.lua");
        System.out.printf("backlog=%d trials=%d bound=%s load before: %s%n", backlog, trials, bound, load());
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RedisConnector c = BenchRedis.connector(stores);
            List<String> keys = new ArrayList<>();
            keys.add(c.keys().key("rev", "log", "stream"));
            for (String kind : List.of("token", "session", "family", "user")) {
                keys.add(c.keys().key("rev", "log", kind));
                keys.add(c.keys().key("rev", "log", kind, "info"));
            }
            keys.add(c.keys().key("rev", "log", "trimmed"));
            redis.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
            redis.cli("CONFIG", "SET", "slowlog-max-len", "100000");
            for (int t = 1; t <= trials; t++) {
                for (boolean aged : new boolean[] {true, false}) {
                    String backlogKind = aged ? "aged" : "length";
                    // Beyond the length: a max length of 1,000 and N more; aged: the default max length.
                    long maxLength = aged ? 1_000_000 : 1_000;
                    long fill = aged ? backlog : backlog + maxLength;
                    Run before = run(redis, c, keys, unbounded, null, aged, fill, maxLength);
                    Run after = run(redis, c, keys, bounded, bound, aged, fill, maxLength);
                    System.out.printf(
                            "trial %d %s backlog: unbounded %s | bounded %s | worst call ratio bounded/unbounded %.3f%n",
                            t, backlogKind, before, after, after.worstMicros / (double) before.worstMicros);
                }
            }
        }
        System.out.printf("load after: %s%n", load());
    }

    /** Fills the stream, resets the SLOWLOG, calls the script until it has nothing left to trim. */
    private static Run run(
            BenchRedis redis,
            RedisConnector c,
            List<String> keys,
            String script,
            String bound,
            boolean aged,
            long fill,
            long maxLength) {
        redis.flushAll();
        long now = System.currentTimeMillis();
        long base = aged ? now - 2 * RETENTION_MS : now;
        String[] stream = {keys.get(0)};
        c.sync(x -> x.eval(FILL, ScriptOutputType.INTEGER, stream, Long.toString(base), Long.toString(fill)));
        long length0 = c.sync(x -> x.xlen(stream[0]));
        redis.cli("SLOWLOG", "RESET");
        String[] k = keys.toArray(String[]::new);
        String[] a = bound != null
                ? new String[] {Long.toString(now), Long.toString(maxLength), Long.toString(RETENTION_MS), "100", bound}
                : new String[] {Long.toString(now), Long.toString(maxLength), Long.toString(RETENTION_MS), "100"};
        long t0 = System.nanoTime();
        int calls = 0;
        while (true) {
            List<Object> reply = c.sync(x -> x.eval(script, ScriptOutputType.MULTI, k, a));
            calls++;
            if (bound == null || !Long.valueOf(1L).equals(reply.get(0))) {
                break;
            }
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        long length1 = c.sync(x -> x.xlen(stream[0]));
        List<Long> micros = new ArrayList<>();
        for (Object o : c.sync(x -> x.slowlogGet(100_000))) {
            List<?> e = (List<?>) o;
            String command = String.valueOf(((List<?>) e.get(3)).get(0));
            if (command.equalsIgnoreCase("EVAL") || command.equalsIgnoreCase("EVALSHA")) {
                micros.add((Long) e.get(2));
            }
        }
        micros.sort(null);
        long sum = micros.stream().mapToLong(Long::longValue).sum();
        return new Run(
                calls,
                length0 - length1,
                micros.get(micros.size() - 1),
                micros.get(micros.size() / 2),
                micros.get((int) Math.min(micros.size() - 1, Math.ceil(micros.size() * 0.99) - 1)),
                sum,
                wallMs);
    }

    /** One catch-up: its calls, and their times inside Redis (SLOWLOG: the wall time of each script). */
    private record Run(
            int calls,
            long removed,
            long worstMicros,
            long medianMicros,
            long p99Micros,
            long sumMicros,
            double wallMs) {
        @Override
        public String toString() {
            return String.format(
                    "%d call(s), %d removed, worst call %.2f ms (p99 %.2f, median %.2f), script time %.1f ms, wall %.1f ms",
                    calls,
                    removed,
                    worstMicros / 1000.0,
                    p99Micros / 1000.0,
                    medianMicros / 1000.0,
                    sumMicros / 1000.0,
                    wallMs);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RevocationTrimRun.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
