package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * getOrLoad returns once its loader's write is handed to Redis, without waiting for the answer
 * (docs/CACHE.md, "Round trips"). Redis holds the write back for real here: the loader pauses Redis for
 * writes (CLIENT PAUSE WRITE) after the lookup took the lease, so the write waits in Redis until the test
 * unpauses it (plain reads are still served meanwhile).
 */
class CacheFillIntegrationTest {
    @RegisterExtension
    static final PrivateRedis own = new PrivateRedis();

    private final List<Caches> opened = new ArrayList<>();

    @BeforeEach
    void empty() {
        own.redis().flushAll();
    }

    @AfterEach
    void closeAll() {
        unpause();
        opened.forEach(Caches::close);
    }

    private Caches caches(GatehouseConfig config) {
        Caches c = Caches.builder()
                .config(config)
                .backend(new RedisCacheBackend(own.connector()))
                .build();
        opened.add(c);
        return c;
    }

    private static String stored(String key) {
        return own.redis().node().cli("GET", own.connector().keys().key("cache:fill", key));
    }

    private static void pause() {
        own.pauseWrites();
    }

    private static void unpause() {
        own.unpause();
    }

    /** A Caches with one setting other than the defaults. */
    private Caches caches(String setting, String value) {
        return caches(GatehouseConfig.builder().set(setting, value).build());
    }

    /** A loader that holds Redis's writes back once it ran: its own write waits in Redis. */
    private static CacheLoader<String> pausingLoader() {
        return id -> {
            pause();
            return Optional.of("loaded " + id);
        };
    }

    /** Waits until {@code t} is blocked in a call to Redis (a delete or put sent behind a held write). */
    private static void awaitParked(Thread t) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }

    /**
     * Waits until {@code t} waits for a write's answer: a timed wait (at most the command timeout), unlike
     * a loader's untimed waits (a latch, the redis-cli process that pauses Redis).
     */
    private static void awaitWaitingForAWrite(Thread t) {
        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    }

    /** Misses whose loaders wait until released, each in its own thread, all leases taken. */
    private static final class HeldMisses {
        final Map<String, CountDownLatch> proceed = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<Optional<String>>> calls = new ConcurrentHashMap<>();
        final Map<String, Thread> callers = new ConcurrentHashMap<>();

        HeldMisses(Cache<String> cache, List<String> keys) {
            AtomicInteger loading = new AtomicInteger();
            for (String k : keys) {
                proceed.put(k, new CountDownLatch(1));
                calls.put(k, new CompletableFuture<>());
                Thread t = new Thread(() -> calls.get(k).complete(cache.getOrLoad(k, Duration.ofMinutes(1), id -> {
                    loading.incrementAndGet();
                    proceed.get(id).await();
                    return Optional.of("loaded " + id);
                })));
                callers.put(k, t);
                t.start();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> loading.get() == keys.size());
        }

        /** Lets {@code key}'s loader return; with Redis paused for writes, its write is then held back. */
        void release(String key) {
            proceed.get(key).countDown();
        }
    }

    @Test
    void getOrLoadReturnsTheLoadedValueWhileItsWriteIsHeldBackAndTheWriteLandsAfter() {
        Caches caches = caches(GatehouseConfig.builder().build());
        Cache<String> cache = caches.cache("fill", String.class);

        assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), pausingLoader())).contains("loaded k");
        // Returned while Redis still holds the write: the key holds the lease, nothing timed out.
        assertThat(stored("k")).startsWith("L|");
        assertThat(caches.fills().inFlight()).isEqualTo(1);
        assertThat(cache.stats().errors()).isZero();

        unpause();
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.fills().inFlight() == 0);
        assertThat(stored("k")).contains("loaded k").doesNotStartWith("L|");
        assertThat(cache.stats().errors()).isZero();
        assertThat(cache.stats().loads()).isEqualTo(1);
    }

    @Test
    void thisInstancesGetRightAfterWaitsForTheWriteAndReadsTheLoadedValue() throws Exception {
        Caches caches = caches("gatehouse.cache.heartbeat", "200ms");
        Cache<String> cache = caches.cache("fill", String.class);
        // Once the instance knows that no near cache needs its loads' messages, their writes are grouped
        // (StoreBatcher): a write that arrives while a batch is on its way waits in this process.
        await().atMost(Duration.ofSeconds(10)).until(() -> !caches.loadsPublish("fill"));
        HeldMisses misses = new HeldMisses(cache, List.of("x", "k"));
        pause();
        misses.release("x");
        assertThat(misses.calls.get("x").get()).contains("loaded x"); // its write is on its way, held
        misses.release("k");
        assertThat(misses.calls.get("k").get()).contains("loaded k"); // its write waits here behind x's
        assertThat(caches.fills().inFlight()).isEqualTo(2);

        // Without waiting for k's write, this GET would reach Redis before it (behind x's) and read the lease.
        CompletableFuture<Optional<String>> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> read.complete(cache.get("k")));
        reader.start();
        awaitWaitingForAWrite(reader);
        assertThat(read).isNotDone();

        unpause();
        assertThat(read.get()).contains("loaded k");
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().errors()).isZero();
    }

    @Test
    void aDeleteOrPutRightAfterGetOrLoadLeavesTheNewerStateInRedis() throws Exception {
        Caches caches = caches(GatehouseConfig.builder().build());
        Cache<String> cache = caches.cache("fill", String.class);
        assertThat(cache.getOrLoad("gone", Duration.ofMinutes(1), pausingLoader()))
                .contains("loaded gone");
        Thread delete = new Thread(() -> cache.delete("gone"));
        delete.start();
        awaitParked(delete); // sent behind the held write
        unpause();
        delete.join();

        assertThat(cache.getOrLoad("newer", Duration.ofMinutes(1), pausingLoader()))
                .contains("loaded newer");
        Thread put = new Thread(() -> cache.put("newer", "put", Duration.ofMinutes(1)));
        put.start();
        awaitParked(put);
        unpause();
        put.join();

        await().atMost(Duration.ofSeconds(10)).until(() -> caches.fills().inFlight() == 0);
        assertThat(stored("gone")).isNullOrEmpty();
        assertThat(stored("newer")).endsWith("\"put\"");
        assertThat(cache.get("gone")).isEmpty();
        assertThat(cache.get("newer")).contains("put");
        assertThat(cache.stats().errors()).isZero();
    }

    @Test
    void beyondTheBoundTheCallerWaitsForItsOwnWrite() throws Exception {
        Caches caches = caches("gatehouse.cache.fills-in-flight", "2");
        Cache<String> cache = caches.cache("fill", String.class);
        // Three misses take their leases (a write each) before Redis is paused; then their loaders return.
        HeldMisses misses = new HeldMisses(cache, List.of("a", "b", "c"));
        pause();
        for (String k : List.of("a", "b")) {
            misses.release(k);
            assertThat(misses.calls.get(k).get()).contains("loaded " + k); // returned, its write held back
        }
        assertThat(caches.fills().inFlight()).isEqualTo(2);

        misses.release("c");
        // Waiting for its own write, which Redis holds back (it waited untimed on its loader's latch before).
        awaitWaitingForAWrite(misses.callers.get("c"));
        assertThat(misses.calls.get("c")).isNotDone();
        assertThat(caches.fills().inFlight()).isEqualTo(2);

        unpause();
        assertThat(misses.calls.get("c").get()).contains("loaded c");
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.fills().inFlight() == 0);
        for (String k : List.of("a", "b", "c")) {
            assertThat(stored(k)).as(k).contains("loaded " + k);
        }
        assertThat(cache.stats().errors()).isZero();
    }

    @Test
    void withNoFillsInFlightEveryCallerWaitsForItsWrite() throws Exception {
        Cache<String> cache = caches("gatehouse.cache.fills-in-flight", "0").cache("fill", String.class);
        CompletableFuture<Optional<String>> call = new CompletableFuture<>();
        Thread caller = new Thread(() -> call.complete(cache.getOrLoad("k", Duration.ofMinutes(1), pausingLoader())));
        caller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("k").startsWith("L|"));
        awaitWaitingForAWrite(caller);
        assertThat(call).isNotDone();

        unpause();
        assertThat(call.get()).contains("loaded k");
        // answered before it returned
        assertThat(stored("k")).contains("loaded k").doesNotStartWith("L|");
    }

    @Test
    void aWriteThatFailsAfterGetOrLoadReturnedIsCountedAsAnError() {
        Caches caches = caches(GatehouseConfig.builder().build());
        Cache<String> cache = caches.cache("fill", String.class);
        CacheLoader<String> loader = id -> {
            // Refused by Redis once it gets there: the ACL-less way is a key of another type.
            own.redis().node().cli("DEL", own.connector().keys().key("cache:fill", id));
            own.redis().node().cli("LPUSH", own.connector().keys().key("cache:fill", id), "not a string");
            return Optional.of("loaded " + id);
        };
        assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), loader)).contains("loaded k");
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.fills().inFlight() == 0);
        assertThat(cache.stats().errors()).isEqualTo(1);
    }
}
