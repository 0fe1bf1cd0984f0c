package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes per session in Redis: creates N sessions through the public API against a fresh private
 * redis-server and prints the growth of {@code used_memory} divided by N (the user's key, the entries,
 * the shared user-agent texts: everything the sessions cost).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.gatehouse.bench.SessionMemoryBench 1000000 [sessionsPerUser=1] [variants]
 * </pre>
 *
 * With {@code variants}, the same N is also stored in the layouts that were considered and rejected
 * (written with raw commands, same entry text), and by Spring Session at min(N, 200000), so the choice
 * in docs/SESSIONS.md can be checked.
 */
public final class SessionMemoryBench {
    private static final int THREADS = 8;

    private SessionMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        int perUser = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        boolean variants = args.length > 2 && args[2].equals("variants");
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RedisConnector connector = BenchRedis.connector(stores);
            SessionStore store = SessionWorkload.gatehouse(stores);
            String sample = null;
            long before = redis.usedMemory();
            long t0 = System.nanoTime();
            parallel(n, i -> store.create(SessionWorkload.login(SessionWorkload.user(i / perUser))));
            long after = redis.usedMemory();
            sample = connector.sync(c -> c.get(connector.keys().key("s", SessionWorkload.user(0))));
            System.out.printf(
                    "gatehouse: %d sessions, %d per user, %.1f s: used_memory %d -> %d = %.1f bytes per session%n",
                    n, perUser, (System.nanoTime() - t0) / 1e9, before, after, (after - before) / (double) n);
            String userKey = connector.keys().key("s", SessionWorkload.user(0));
            Long usage = connector.sync(c -> c.memoryUsage(userKey));
            System.out.printf(
                    "  one user's key: %s (%d bytes of entries for %d sessions; MEMORY USAGE %d)%n",
                    userKey, sample.length(), perUser, usage);
            System.out.printf(
                    "  1,000,000 sessions would take %.0f MB%n", (after - before) / (double) n * 1_000_000 / 1e6);
            if (!variants) {
                return;
            }
            String entry = sample.strip().split("\n")[0];
            // The entry without its 16-character name (the variants name the session by the key or field).
            String body = entry.substring(16);
            String ua = SessionWorkload.USER_AGENTS[0];
            measure(redis, connector, "per-session string key + per-user ZSET index", n, perUser, (c, i) -> {
                String user = SessionWorkload.user(i / perUser);
                String rid = Long.toString(i, 36)
                        + "AAAAAAAAAAAAAAAA".substring(Long.toString(i, 36).length());
                return List.of(
                        c.async(x -> x.setex(connector.keys().key("s", user, rid), 1800, body)),
                        c.async(x -> x.zadd(connector.keys().key("s", user, "idx"), 1.7e9, rid)),
                        c.async(x -> x.expire(connector.keys().key("s", user, "idx"), 1800)));
            });
            measure(
                    redis,
                    connector,
                    "per-user hash, field per session (listpack only while every entry is at most 64 bytes)",
                    n,
                    perUser,
                    (c, i) -> {
                        String user = SessionWorkload.user(i / perUser);
                        String rid = Long.toString(i, 36)
                                + "AAAAAAAAAAAAAAAA"
                                        .substring(Long.toString(i, 36).length());
                        return List.of(
                                c.async(x -> x.hset(connector.keys().key("s", user), rid, body)),
                                c.async(x -> x.expire(connector.keys().key("s", user), 1800)));
                    });
            measure(
                    redis,
                    connector,
                    "one string per user, user agent inline instead of shared",
                    n,
                    perUser,
                    (c, i) -> {
                        String user = SessionWorkload.user(i / perUser);
                        return List.of(
                                c.async(x -> x.append(connector.keys().key("s", user), "\n" + entry + ua)),
                                c.async(x -> x.expire(connector.keys().key("s", user), 1800)));
                    });
            int springN = Math.min(n, 200_000);
            redis.flushAll();
            try (SpringSessionPeer spring = new SpringSessionPeer(redis.url())) {
                long b = redis.usedMemory();
                parallel(
                        springN,
                        i -> spring.create(
                                SessionWorkload.user(i / perUser),
                                SessionWorkload.ip(),
                                SessionWorkload.userAgent(),
                                SessionWorkload.fingerprint()));
                long a = redis.usedMemory();
                System.out.printf(
                        "spring-session RedisIndexedSessionRepository: %d sessions: %.1f bytes per session%n",
                        springN, (a - b) / (double) springN);
            }
        }
    }

    interface Writer {
        List<CompletableFuture<?>> write(RedisConnector c, long i);
    }

    private static void measure(BenchRedis redis, RedisConnector c, String name, int n, int perUser, Writer w) {
        redis.flushAll();
        long before = redis.usedMemory();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            inFlight.addAll(w.write(c, i));
            if (inFlight.size() >= 3000) {
                CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0]))
                        .join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
        long after = redis.usedMemory();
        System.out.printf(
                "variant %s: %.1f bytes per session (%d per user)%n", name, (after - before) / (double) n, perUser);
    }

    interface Task {
        void run(long i) throws Exception;
    }

    private static void parallel(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicLong next = new AtomicLong();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
