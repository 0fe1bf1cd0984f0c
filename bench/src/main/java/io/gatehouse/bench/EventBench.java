package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventStats;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.redis.RedisConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Security events: recording throughput, "last 50 events of a user" latency with 1,000,000 events stored,
 * and Redis bytes per event, for Gatehouse and for the seed's design (one JSON string per event plus a
 * per-user sorted set, written as the seed does: one awaited round trip per event). "Accepted" is
 * record() returning (the event is in the in-memory queue); "persisted" is the event stored in Redis
 * (flush() returned), the headline figure.
 *
 * <p>A main program rather than JMH: the figures need a store preloaded with a million events, which
 * JMH's iteration model would rebuild or distort. Run:
 * {@code java -cp bench/target/benchmarks.jar io.gatehouse.bench.EventBench [events] [users] [baselineEvents]}.
 */
public final class EventBench {
    private static final String UA =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    private static final EventType[] TYPES = {
        EventType.LOGIN_SUCCESS,
        EventType.LOGIN_FAILURE,
        EventType.SESSION_CREATED,
        EventType.TOKEN_REVOKED,
        EventType.LOGOUT,
        EventType.SESSION_ENDED
    };
    private static final int PRODUCERS = 4;
    private static final int QUEUE = 65_536;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int baselineEvents = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        System.out.printf(
                "EventBench: %,d events over %,d users; baseline %,d events; %d producer threads; JDK %s%n",
                events, users, baselineEvents, PRODUCERS, Runtime.version());
        try (BenchRedis redis = BenchRedis.start();
                Stores stores = redis.stores()) {
            RedisConnector connector = BenchRedis.connector(stores);
            gatehouse(redis, stores, events, users);
            redis.flushAll();
            seed(redis, connector, baselineEvents, users);
        }
    }

    private static double redisCpuSeconds(RedisConnector connector) {
        double total = 0;
        for (String line : connector.sync(c -> c.info("cpu")).split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total +=
                        Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    private static String evalStats(RedisConnector connector) {
        for (String line : connector.sync(c -> c.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                return line;
            }
        }
        return "no evalsha calls";
    }

    private static SecurityEvent.Builder event(long n, int users) {
        return SecurityEvent.builder(TYPES[(int) (n % TYPES.length)])
                .user("user" + (n % users))
                .session("s" + (n % (users * 3L)))
                .ip("198.51." + (n % 200) + "." + (n % 250))
                .userAgent(UA)
                .reason("password");
    }

    private static void gatehouse(BenchRedis redis, Stores stores, int events, int users) throws Exception {
        RedisConnector connector = BenchRedis.connector(stores);
        Path spool = Files.createTempDirectory("eventbench");
        GatehouseConfig config = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .set("gatehouse.events.spool.dir", spool.toString())
                .set("gatehouse.events.queue-capacity", Integer.toString(QUEUE))
                .build();
        long before = redis.usedMemory();
        try (SecurityEvents log =
                SecurityEvents.builder().config(config).stores(stores).build()) {
            // Warm-up (JIT, scripts loaded), then flushed away from the measurement.
            produce(log, 100_000, users, 0, QUEUE);
            log.flush(Duration.ofMinutes(5));
            redis.flushAll();
            before = redis.usedMemory();
            EventStats s0 = log.stats();
            double cpu0 = redisCpuSeconds(connector);
            long t0 = System.nanoTime();
            long producedNanos = produce(log, events, users, 1_000_000_000L, QUEUE);
            boolean ok = log.flush(Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            EventStats s1 = log.stats();
            double redisCpu = redisCpuSeconds(connector) - cpu0;
            long accepted = s1.recorded() - s0.recorded();
            long stored = s1.stored() - s0.stored();
            System.out.printf(
                    "gatehouse accepted: %,d record() calls returned in %.2f s = %,.0f events/s into the queue "
                            + "(producers pace themselves to keep the queue under 3/4 full)%n",
                    accepted, producedNanos / 1e9, accepted / (producedNanos / 1e9));
            System.out.printf(
                    "gatehouse persisted: %,d events stored in Redis in %.2f s (first record() to flush() "
                            + "returning) = %,.0f events/s (flushed=%s; spooled %d, dropped %d, circuit %s)%n",
                    stored,
                    seconds,
                    stored / seconds,
                    ok,
                    s1.spooled() - s0.spooled(),
                    s1.dropped() - s0.dropped(),
                    connector.circuitState());
            System.out.printf(
                    "gatehouse redis-server CPU while recording: %.2f s (%.0f%% of one core); %s%n",
                    redisCpu, 100 * redisCpu / seconds, evalStats(connector));
            long after = redis.usedMemory();
            System.out.printf(
                    "gatehouse memory: %,d bytes used for %,d events = %.0f bytes/event (full copy in the user's "
                            + "stream and in the shard's global stream, counts, late set)%n",
                    after - before, stored, (after - before) / (double) stored);

            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int i = 0; i < 5_000; i++) {
                log.query(EventQuery.lastOf("user" + ThreadLocalRandom.current().nextInt(users), 50));
            }
            int checked = 0;
            for (int i = 0; i < 20_000; i++) {
                String user = "user" + ThreadLocalRandom.current().nextInt(users);
                long s = System.nanoTime();
                int n = log.query(EventQuery.lastOf(user, 50)).events().size();
                h.recordValue(System.nanoTime() - s);
                checked += n == 50 ? 1 : 0;
            }
            print("gatehouse last-50-of-user", h, checked);
        }
    }

    /**
     * Records {@code events} from {@link #PRODUCERS} threads; returns the nanoseconds until the last
     * record() returned. The producers are faster than any store, so, to measure what reaches Redis
     * rather than the spool, each one checks the queue every 256 events and waits while it is more than
     * 3/4 full (a closed loop: the rate is the store's, and nothing overflows to the spool).
     */
    private static long produce(SecurityEvents log, int events, int users, long offset, int queue) throws Exception {
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int p = 0; p < PRODUCERS; p++) {
            int me = p;
            producers.add(CompletableFuture.runAsync(() -> {
                for (long n = me; n < events; n += PRODUCERS) {
                    if ((n / PRODUCERS) % 256 == 0) {
                        while (log.stats().queued() > queue * 3L / 4) {
                            LockSupport.parkNanos(100_000);
                        }
                    }
                    log.record(event(offset + n, users));
                }
            }));
        }
        CompletableFuture.allOf(producers.toArray(new CompletableFuture[0])).get();
        return System.nanoTime() - t0;
    }

    /** The seed's layout: security:event:{id} (JSON string, 90-day TTL) + user:security:{user} (ZSET by time). */
    private static void seed(BenchRedis redis, RedisConnector connector, int events, int users) throws Exception {
        long before = redis.usedMemory();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int me = p;
            producers.add(CompletableFuture.runAsync(() -> {
                for (long n = me; n < events; n += PRODUCERS) {
                    SecurityEvent e =
                            event(n, users).id("evt" + n).time(Instant.EPOCH).build();
                    String id = "evt" + n;
                    String json = "{\"event_id\":\"" + id + "\",\"event_type\":\""
                            + e.type().code() + "\",\"severity\":\"info\",\"user_id\":\""
                            + e.user().get() + "\",\"session_id\":\""
                            + e.session().get() + "\",\"ip_address\":\"" + e.ip().get()
                            + "\",\"user_agent\":\"" + UA
                            + "\",\"reason\":\"password\",\"timestamp\":\"2026-11-21T23:00:00.000000\",\"details\":{}}";
                    long ts = System.currentTimeMillis();
                    // The seed awaits each event's write (one round trip, both commands in flight together).
                    CompletableFuture<String> set =
                            connector.async(c -> c.setex("security:event:" + id, 90L * 86400, json));
                    CompletableFuture<Long> zadd = connector.async(
                            c -> c.zadd("user:security:" + e.user().get(), ts, id));
                    set.join();
                    zadd.join();
                }
            }));
        }
        CompletableFuture.allOf(producers.toArray(new CompletableFuture[0])).get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("seed record: %,d events in %.1f s = %,.0f events/s%n", events, seconds, events / seconds);
        long after = redis.usedMemory();
        System.out.printf("seed memory: %.0f bytes/event%n", (after - before) / (double) events);
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        int checked = 0;
        for (int i = 0; i < 25_000; i++) {
            String user = "user" + ThreadLocalRandom.current().nextInt(users);
            long s = System.nanoTime();
            List<String> ids = connector.sync(c -> c.zrevrange("user:security:" + user, 0, 49));
            String[] keys = ids.stream().map(id -> "security:event:" + id).toArray(String[]::new);
            int n = keys.length == 0 ? 0 : connector.sync(c -> c.mget(keys)).size();
            if (i >= 5_000) {
                h.recordValue(System.nanoTime() - s);
                checked += n == Math.min(50, events / users) ? 1 : 0;
            }
        }
        print("seed last-50-of-user", h, checked);
    }

    private static void print(String what, Histogram h, int full) {
        System.out.printf(
                "%s: n=%d p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms (%d queries returned a full page)%n",
                what,
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6,
                h.getMaxValue() / 1e6,
                full);
    }
}
