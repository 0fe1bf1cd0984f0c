package io.gatehouse.bench;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.redis.RedisConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Security events: recording throughput, "last 50 events of a user" latency with 1,000,000 events stored,
 * and Redis bytes per event, for Gatehouse and for the seed's design (one JSON string per event plus a
 * per-user sorted set, written as the seed does: one awaited round trip per event).
 *
 * <p>A main program rather than JMH: the figures need a store preloaded with a million events, which
 * JMH's iteration model would rebuild or distort. Run:
 * {@code java -cp bench/target/benchmarks.jar io.gatehouse.bench.EventBench [events] [users] [baselineEvents]}.
 */
public final class EventBench {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    private static final EventType[] TYPES = {EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE, EventType.SESSION_CREATED,
            EventType.TOKEN_REVOKED, EventType.LOGOUT, EventType.SESSION_ENDED};
    private static final int PRODUCERS = 4;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int baselineEvents = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        System.out.printf("EventBench: %,d events over %,d users; baseline %,d events; %d producer threads; JDK %s%n",
                events, users, baselineEvents, PRODUCERS, Runtime.version());
        try (BenchRedis redis = BenchRedis.start(); RedisConnector connector = redis.connect()) {
            gatehouse(redis, connector, events, users);
            redis.flushAll();
            seed(redis, connector, baselineEvents, users);
        }
    }

    private static SecurityEvent event(long n, int users) {
        return SecurityEvent.builder(TYPES[(int) (n % TYPES.length)]).user("user" + (n % users))
                .session("s" + (n % (users * 3L))).ip("198.51." + (n % 200) + "." + (n % 250)).userAgent(UA)
                .reason("password").build();
    }

    private static void gatehouse(BenchRedis redis, RedisConnector connector, int events, int users) throws Exception {
        Path spool = Files.createTempDirectory("eventbench");
        GatehouseConfig config = GatehouseConfig.builder().redisUrl(redis.url())
                .set("gatehouse.events.spool.dir", spool.toString())
                .set("gatehouse.events.queue-capacity", "262144")
                .build();
        long before = redis.usedMemory();
        try (SecurityEvents log = SecurityEvents.builder().config(config).redis(connector).build()) {
            // Warm-up (JIT, scripts loaded), then flushed away from the measurement.
            produce(log, 50_000, users, 0);
            log.flush(Duration.ofMinutes(5));
            redis.flushAll();
            before = redis.usedMemory();
            long recordedBefore = log.stats().stored();
            long t0 = System.nanoTime();
            produce(log, events, users, 1_000_000_000L);
            boolean ok = log.flush(Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = log.stats().stored() - recordedBefore;
            System.out.printf("gatehouse record: %,d events stored in %.1f s = %,.0f events/s (flushed=%s; spooled %d, dropped %d)%n",
                    stored, seconds, stored / seconds, ok, log.stats().spooled(), log.stats().dropped());
            long after = redis.usedMemory();
            System.out.printf("gatehouse memory: %,d bytes used for %,d events = %.0f bytes/event (full copy in the user's stream and in a global shard, counts, late sets)%n",
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

    private static void produce(SecurityEvents log, int events, int users, long offset) throws Exception {
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int me = p;
            producers.add(CompletableFuture.runAsync(() -> {
                for (long n = me; n < events; n += PRODUCERS) {
                    log.record(event(offset + n, users));
                }
            }));
        }
        CompletableFuture.allOf(producers.toArray(new CompletableFuture[0])).get();
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
                    SecurityEvent e = event(n, users);
                    String id = "evt" + n;
                    String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"" + e.type().code() + "\",\"severity\":\"info\",\"user_id\":\""
                            + e.user().get() + "\",\"session_id\":\"" + e.session().get() + "\",\"ip_address\":\"" + e.ip().get()
                            + "\",\"user_agent\":\"" + UA + "\",\"reason\":\"password\",\"timestamp\":\"2026-11-21T23:00:00.000000\",\"details\":{}}";
                    long ts = System.currentTimeMillis();
                    // The seed awaits each event's write (one round trip, both commands in flight together).
                    CompletableFuture<String> set = connector.async(c -> c.setex("security:event:" + id, 90L * 86400, json));
                    CompletableFuture<Long> zadd = connector.async(c -> c.zadd("user:security:" + e.user().get(), ts, id));
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
        System.out.printf("%s: n=%d p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms (%d queries returned a full page)%n",
                what, h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, full);
    }
}
