package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.bench.CallCost.Call;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.session.SessionStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a session create's time goes at one thread, in one JVM against one redis-server: a bare Lettuce
 * {@code PING} and {@code SET} (the round trip itself), {@code create.lua} sent on that bare connection
 * with a login's arguments (the script and the request's size, none of Gatehouse's Java), Gatehouse's create, Spring Session's indexed save
 * (wired as {@link SpringSessionPeer}), and Gatehouse's create on the in-memory backend (its Java CPU without
 * Redis), in alternating rounds; "gatehouse create parked" is our create with {@code spin-wait=0}. Each round prints calls per second, this JVM's CPU per call, redis-server's
 * CPU per call ({@code INFO cpu}) and, from {@code INFO commandstats} reset before the round, the commands
 * one call sent and their {@code usec_per_call} (Redis's time inside each command).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gatehouse.bench.SessionCreateCost [seconds per round] [rounds] [sides: regex]</pre>
 */
public final class SessionCreateCost {
    private static final int USERS = 1_000_000;

    private SessionCreateCost() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 2 ? args[2] : ".*");
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores();
                Stores parked = redis.stores("gatehouse.redis.spin-wait", "0");
                Stores memory = Stores.inMemory()) {
            SessionStore ours = SessionWorkload.gatehouse(stores);
            SessionStore oursParked = SessionWorkload.gatehouse(parked);
            SessionStore inMemory = SessionWorkload.gatehouse(memory);
            SpringSessionPeer spring = new SpringSessionPeer(redis.url());
            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> bare = client.connect()) {
                RedisAsyncCommands<String, String> async = bare.async();
                Map<String, Call> sides = new LinkedHashMap<>();
                sides.put("lettuce PING", () -> async.ping().get());
                sides.put(
                        "lettuce SET",
                        () -> async.set("bench:set:{" + randomUser() + "}", "x").get());
                // create.lua itself on the bare connection, with a login's arguments (a fixed 57-byte entry): the
                // script and the request's size without any of Gatehouse's Java.
                RedisScript create = RedisScript.load(SessionStore.class, "create.lua", RedisScript.Reply.MULTI);
                String sha = bare.sync().scriptLoad(create.body());
                String entry = "AAAAAAAAAAAAAAAA" + "zAAAAA" + "A".repeat(24) + "A".repeat(11);
                sides.put("lettuce create.lua", () -> {
                    long now = System.currentTimeMillis() / 1000;
                    return async.<List<Object>>evalsha(
                                    sha,
                                    ScriptOutputType.MULTI,
                                    new String[] {"gatehouse:s:{" + randomUser() + "}"},
                                    entry,
                                    "1800",
                                    "",
                                    Long.toString(now),
                                    "1800",
                                    "43200",
                                    "0",
                                    "evict",
                                    "1000",
                                    Long.toString(now + 1800))
                            .get();
                });
                sides.put("gatehouse create", () -> ours.create(SessionWorkload.login(randomUser())));
                // The same with gatehouse.redis.spin-wait=0: the caller parks at once (docs/REDIS.md).
                sides.put("gatehouse create parked", () -> oursParked.create(SessionWorkload.login(randomUser())));
                sides.put(
                        "spring create",
                        () -> spring.create(
                                randomUser(),
                                SessionWorkload.ip(),
                                SessionWorkload.userAgent(),
                                SessionWorkload.fingerprint()));
                sides.put("gatehouse in memory", () -> inMemory.create(SessionWorkload.login(randomUser())));
                System.out.printf("1 thread, %d s per round, %d rounds (round 0: warm-up)%n", seconds, rounds);
                for (int round = 0; round <= rounds; round++) {
                    for (Map.Entry<String, Call> side : sides.entrySet()) {
                        if (!only.matcher(side.getKey()).find()) {
                            continue;
                        }
                        measure(round, side.getKey(), side.getValue(), seconds, redis);
                    }
                }
            } finally {
                client.shutdown();
                spring.close();
            }
        }
    }

    private static String randomUser() {
        return SessionWorkload.user(ThreadLocalRandom.current().nextInt(USERS));
    }

    private static void measure(int round, String side, Call call, int seconds, BenchRedis redis) throws Exception {
        redis.cli("CONFIG", "RESETSTAT");
        // One platform thread, as JMH's SessionBench at -t 1.
        CallCost.Split r = CallCost.measure(call, Thread.ofPlatform(), 1, seconds, redis);
        long n = r.calls();
        String commands = redis.commandStats(n);
        System.out.printf(
                "%-5s %-20s %9.0f calls/s %7.1f µs/call  jvm %6.1f µs  redis %5.1f µs  load %.2f |%s%n",
                round == 0 ? "warm" : Integer.toString(round),
                side,
                r.callsPerSecond(),
                r.wallMicros(),
                r.jvmMicros(),
                r.redisMicros(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                commands);
    }
}
