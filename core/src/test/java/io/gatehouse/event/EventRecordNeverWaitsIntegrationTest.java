package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.StandaloneRedis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * record() must not wait for Redis or for the spool file. Redis is frozen (SIGSTOP: the connection stays
 * open and commands get no answer, the worst case for a caller that waits) while the writer is in the
 * middle of storing a batch, so the queue fills; then the spool is blocked too (the test holds the lock
 * its appends take). Recording thousands more events still completes: nothing here measures time, a
 * record() that waited on either would never return while they are held. Every event is accounted for
 * (queued, spooled, or counted as dropped: nearly all dropped while the spool is stuck as well), and what
 * was not dropped is in Redis exactly once after it resumes.
 */
class EventRecordNeverWaitsIntegrationTest {
    private static final int QUEUE = 16;
    private static final int BATCH = 4;

    @TempDir
    Path dir;

    private static void signal(StandaloneRedis redis, String signal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "kill", "-" + signal, Long.toString(redis.node().pid()))
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
    }

    private static SecurityEvent.Builder event(int n) {
        return SecurityEvent.builder(EventType.LOGIN_FAILURE)
                .user("user" + (n % 10))
                .ip("192.0.2.1");
    }

    @Test
    void recordReturnsWhileRedisIsFrozenAndTheSpoolIsBlocked() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            GatehouseConfig config = GatehouseConfig.builder()
                    .redisUrl(redis.url())
                    // Long enough that the writer stays stuck in its write for the whole test.
                    .set("gatehouse.redis.command-timeout", "60s")
                    .set("gatehouse.events.spool.dir", dir.resolve("spool").toString())
                    .set("gatehouse.events.queue-capacity", Integer.toString(QUEUE))
                    .set("gatehouse.events.batch-size", Integer.toString(BATCH))
                    .build();
            try (Stores stores = Stores.open(config);
                    SecurityEvents events = SecurityEvents.builder()
                            .config(config)
                            .stores(stores)
                            .build()) {
                Set<String> ids = new HashSet<>();
                signal(redis, "STOP");
                try {
                    // The writer takes some of these and waits for Redis, which does not answer.
                    for (int i = 0; i < 8; i++) {
                        ids.add(events.record(event(i)).id());
                    }
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> events.stats().queued() < 8);

                    // Redis stuck: the queue fills, the rest goes to the spool; record() returns every time.
                    CompletableFuture<List<String>> spooling =
                            CompletableFuture.supplyAsync(() -> recordMany(events, 5_000));
                    assertThat(spooling).succeedsWithin(Duration.ofSeconds(60));
                    ids.addAll(spooling.join());
                    // Each is queued, spooled, or (when the spooler's own small queue was full too) counted as
                    // dropped, except what the writer holds: it keeps up to two batches outstanding, so it may
                    // have taken a second one after the wait above, from these events.
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        EventStats s = events.stats();
                        assertThat(s.stored()).isZero();
                        long held = s.recorded() - s.queued() - s.spooled() - s.dropped();
                        assertThat(held).isBetween(1L, 2L * BATCH);
                    });
                    assertThat(events.stats().spooled()).isGreaterThan(QUEUE);

                    // Redis and the spool stuck: record() still returns; what fits nowhere is counted as dropped.
                    EventSpool spool = ((EventRecorder) events).spool();
                    long droppedBefore = events.stats().dropped();
                    synchronized (spool) {
                        CompletableFuture<List<String>> blocked =
                                CompletableFuture.supplyAsync(() -> recordMany(events, 5_000));
                        assertThat(blocked).succeedsWithin(Duration.ofSeconds(60));
                        ids.addAll(blocked.join());
                        // Room for at most: the queue, the spool's queue, and the batch the spooler holds.
                        assertThat(events.stats().dropped() - droppedBefore).isGreaterThanOrEqualTo(5_000 - 3L * QUEUE);
                    }
                } finally {
                    signal(redis, "CONT");
                }

                assertThat(events.flush(Duration.ofSeconds(120))).isTrue();
                EventStats stats = events.stats();
                assertThat(stats.recorded()).isEqualTo(10_008);
                assertThat(stats.stored() + stats.dropped()).isEqualTo(stats.recorded());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Instant now = Instant.now();
                events.export(now.minus(Duration.ofHours(1)), now.plusSeconds(60), out);
                Set<String> seen = new HashSet<>();
                out.toString(StandardCharsets.UTF_8)
                        .lines()
                        .map(EventJson::read)
                        .forEach(e -> assertThat(seen.add(e.id()))
                                .as("stored once: %s", e.id())
                                .isTrue());
                assertThat(ids).containsAll(seen);
                assertThat((long) seen.size()).isEqualTo(stats.recorded() - stats.dropped());
            }
        }
    }

    private static List<String> recordMany(SecurityEvents events, int n) {
        List<String> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(events.record(event(i)).id());
        }
        return out;
    }
}
