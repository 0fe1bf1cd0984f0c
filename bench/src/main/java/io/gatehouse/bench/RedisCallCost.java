package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.bench.CallCost.Call;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What one awaited Redis call costs this process: {@link RedisConnector#eval} (the circuit breaker, the
 * pause-aware deadline, error translation, Gatehouse's Lettuce settings) against the same {@code EVALSHA}
 * on a bare Lettuce connection with Lettuce's defaults ({@code RedisFuture.get()}), in alternating rounds of
 * one JVM and one redis-server. Each of N virtual threads calls, waits for the reply and calls again, as
 * the server's request threads do. A round prints calls per second, this JVM's CPU time per call (the
 * caller's threads, Lettuce's event loop and timers) and redis-server's (from {@code INFO cpu}). On the
 * shared 2-core machine the calls per second move with other users' load; the CPU per call holds still
 * and is the figure to compare.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.RedisCallCost [seconds per round] [rounds] [threads]</pre>
 */
public final class RedisCallCost {
    private static final RedisScript SCRIPT =
            RedisScript.of("bench/call-cost", "return redis.call('EXISTS', KEYS[1])", RedisScript.Reply.INTEGER);

    private RedisCallCost() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RedisConnector ours = BenchRedis.connector(stores);
            ours.preload(List.of(SCRIPT));
            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> bare = client.connect()) {
                RedisAsyncCommands<String, String> async = bare.async();
                String[] keys = {"bench:call-cost:{k}"};
                Call oursCall = () -> ours.eval(SCRIPT, List.of(keys[0]));
                Call bareCall = () -> async.<Long>evalsha(SCRIPT.sha(), ScriptOutputType.INTEGER, keys)
                        .get();
                System.out.printf(
                        "%d virtual threads, %d s per round, %d rounds (round 0: warm-up)%n", threads, seconds, rounds);
                System.out.printf(
                        "%-6s %5s %12s %14s %14s  %s%n",
                        "side", "round", "calls/s", "jvm µs/call", "redis µs/call", "load");
                for (int round = 0; round <= rounds; round++) {
                    report("ours", round, measure(oursCall, threads, seconds, redis));
                    report("lettuce", round, measure(bareCall, threads, seconds, redis));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    private static CallCost.Split measure(Call call, int threads, int seconds, BenchRedis redis)
            throws InterruptedException {
        return CallCost.measure(call, Thread.ofVirtual(), threads, seconds, redis);
    }

    private static void report(String side, int round, CallCost.Split r) {
        System.out.printf(
                "%-6s %5s %12.0f %14.1f %14.1f  %s%n",
                side,
                round == 0 ? "warm" : Integer.toString(round),
                r.callsPerSecond(),
                r.jvmMicros(),
                r.redisMicros(),
                String.format(
                        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    }
}
