package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.StoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several Gatehouse instances on one store: each "instance" is its own {@link Caches} on its own
 * {@link io.gatehouse.backend.Stores} (its own connections, Pub/Sub subscription and scripts), as separate
 * processes would be. On the in-memory backend the instances share one in-memory store.
 */
class CacheInstancesContractTest extends StoreContract {
    record Profile(String id, String name, int version) {}

    private final List<AutoCloseable> opened = new ArrayList<>();
    private CacheBackend memory;

    @BeforeEach
    void sharedMemory() {
        memory = new InMemoryCacheBackend(Clock.systemUTC());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A new, independent instance: own Redis client, own subscription. */
    Caches instance(GatehouseConfig settings) {
        Caches.Builder b = Caches.builder().config(settings);
        if (backend.isRedis()) {
            // A generous connect timeout: the TLS handshake is slow on a loaded 2-core test machine.
            Stores stores = Stores.open(backend.configBuilder()
                    .set("gatehouse.redis.connect-timeout", "10s")
                    .build());
            opened.add(stores);
            b.stores(stores);
        } else {
            b.backend(memory);
        }
        Caches caches = b.build();
        opened.add(caches);
        return caches;
    }

    @Test
    void threeInstancesAndAThousandConcurrentMissesOnOneKeyRunTheLoaderOnce() throws Exception {
        // Lease and wait longer than the loader can take here (it waits for all 1,000 callers).
        GatehouseConfig settings = GatehouseConfig.builder()
                .set("gatehouse.cache.lease", "60s")
                .set("gatehouse.cache.lease-wait", "60s")
                .build();
        List<Cache<Profile>> caches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            caches.add(instance(settings).cache("profile", Profile.class));
        }
        int misses = 1000;
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger loads = new AtomicInteger();
        CacheLoader<Profile> loader = id -> {
            loads.incrementAndGet();
            // Hold the load until every caller has asked: all 1,000 misses are concurrent with it.
            await().atMost(Duration.ofSeconds(50)).until(() -> entered.get() == misses);
            return Optional.of(new Profile(id, "loaded once", 1));
        };
        ExecutorService pool = Executors.newFixedThreadPool(misses);
        try {
            List<Future<Optional<Profile>>> results = new ArrayList<>();
            for (int i = 0; i < misses; i++) {
                Cache<Profile> cache = caches.get(i % 3);
                results.add(pool.submit(() -> {
                    entered.incrementAndGet();
                    return cache.getOrLoad("hot-key", Duration.ofMinutes(5), loader);
                }));
            }
            for (Future<Optional<Profile>> r : results) {
                assertThat(r.get()).contains(new Profile("hot-key", "loaded once", 1));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads).hasValue(1);
        long waitedForAnotherInstance =
                caches.stream().mapToLong(c -> c.stats().leaseWaits()).sum();
        long loadedHere = caches.stream().mapToLong(c -> c.stats().loads()).sum();
        System.out.printf(
                "%s: 1000 misses on 3 instances -> loads=%d, instances that waited on another's lease=%d%n",
                backend, loadedHere, waitedForAnotherInstance);
        assertThat(loadedHere).isEqualTo(1);
        assertThat(waitedForAnotherInstance).isEqualTo(2);
    }

    @Test
    void aFailedLoadInOneInstanceLetsAnotherLoad() throws Exception {
        Cache<Profile> a = instance(GatehouseConfig.builder().build()).cache("profile", Profile.class);
        Cache<Profile> b = instance(GatehouseConfig.builder().build()).cache("profile", Profile.class);
        try {
            a.getOrLoad("k", Duration.ofMinutes(1), id -> {
                throw new IllegalStateException("down");
            });
        } catch (CacheLoadException expected) {
            // the lease is released
        }
        assertThat(b.getOrLoad("k", Duration.ofMinutes(1), id -> Optional.of(new Profile(id, "b", 1))))
                .contains(new Profile("k", "b", 1));
        assertThat(b.stats().leaseWaits()).isZero();
        // b's getOrLoad returned before Redis answered its write: another instance's plain get reads a
        // miss until then (docs/CACHE.md, "Round trips").
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(a.get("k")).contains(new Profile("k", "b", 1)));
    }

    /**
     * getOrLoad returns before Redis answered its write; until then the key still holds the load lease,
     * so another instance's getOrLoad right after waits for the value instead of loading again.
     */
    @Test
    void anotherInstancesGetOrLoadRightAfterALoadGetsThatValueWithoutLoading() {
        Cache<Profile> a = instance(GatehouseConfig.builder().build()).cache("profile", Profile.class);
        Cache<Profile> b = instance(GatehouseConfig.builder().build()).cache("profile", Profile.class);
        AtomicInteger loadsOnB = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            String key = "right-after-" + i;
            int version = i;
            Profile loaded = new Profile(key, "a", version);
            assertThat(a.getOrLoad(key, Duration.ofMinutes(1), id -> Optional.of(loaded)))
                    .contains(loaded);
            assertThat(b.getOrLoad(key, Duration.ofMinutes(1), id -> {
                        loadsOnB.incrementAndGet();
                        return Optional.of(new Profile(id, "b", version));
                    }))
                    .as("key %d", version)
                    .contains(loaded);
        }
        assertThat(loadsOnB).hasValue(0);
        assertThat(a.stats().errors() + b.stats().errors()).isZero();
    }

    @Test
    void aWriteOnOneInstanceIsNeverReadStaleOnAnotherAfterThePropagationDelay() throws Exception {
        long seed = System.nanoTime();
        System.out.println("near-cache staleness test seed: " + seed + " on " + backend);
        Random random = new Random(seed);
        String key = "u42";
        List<Cache<Profile>> two = twoInstancesNearCaching(key);
        Cache<Profile> a = two.get(0);
        Cache<Profile> b = two.get(1);
        // Readers on both instances keep refilling their near caches while the writes happen, so a
        // read that started before a write races with that write's invalidation.
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (Cache<Profile> c : List.of(a, b)) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    c.get(key);
                    Thread.yield(); // share the CPU with the instances' I/O threads
                }
            });
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        try {
            for (int round = 1; round <= 150; round++) {
                boolean fromA = random.nextBoolean();
                Cache<Profile> writer = fromA ? a : b;
                Cache<Profile> reader = fromA ? b : a;
                long received = reader.stats().invalidationsReceived();
                int action = random.nextInt(10);
                Optional<Profile> expected;
                if (action < 7) {
                    Profile p = new Profile(key, "v", round);
                    writer.put(key, p, Duration.ofMinutes(5), List.of("tenant"));
                    expected = Optional.of(p);
                } else if (action < 9) {
                    writer.delete(key);
                    expected = Optional.empty();
                } else {
                    writer.invalidateGroup("tenant");
                    expected = Optional.empty();
                }
                // The writer itself never serves the old value, not even for a moment.
                assertThat(writer.get(key))
                        .as("round %d, the writer's own read", round)
                        .isEqualTo(expected);
                // The propagation delay: until the reader has received the invalidation.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> reader.stats().invalidationsReceived() > received);
                for (int i = 0; i < 20; i++) {
                    assertThat(reader.get(key))
                            .as("round %d, read %d after the invalidation arrived", round, i)
                            .isEqualTo(expected);
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        System.out.printf(
                "%s: near hits a=%d b=%d, invalidations received a=%d b=%d%n",
                backend,
                a.stats().nearHits(),
                b.stats().nearHits(),
                a.stats().invalidationsReceived(),
                b.stats().invalidationsReceived());
        assertThat(a.stats().nearHits() + b.stats().nearHits()).isPositive();
    }

    /**
     * A stress version of the writer's-own-read check above: several readers per instance hammering
     * one key while writes alternate between the instances. Right after a put returns, the writer
     * must read what it wrote (this caught a near-cache fill that was not atomic with its check).
     */
    @Test
    void aWriterAlwaysReadsItsOwnWriteWhileReadersOnBothInstancesRefill() throws Exception {
        String key = "u42";
        List<Cache<Profile>> two = twoInstancesNearCaching(key);
        Cache<Profile> a = two.get(0);
        Cache<Profile> b = two.get(1);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (Cache<Profile> c : List.of(a, b)) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        c.get(key);
                        Thread.yield();
                    }
                });
                t.setDaemon(true);
                t.start();
                readers.add(t);
            }
        }
        int rounds = backend.isRedis() ? 1500 : 20000;
        try {
            for (int round = 1; round <= rounds; round++) {
                Cache<Profile> writer = round % 3 == 0 ? a : b; // both orders: a,b and b,b and b,a
                Profile p = new Profile(key, "v", round);
                writer.put(key, p, Duration.ofMinutes(5), List.of("tenant"));
                assertThat(writer.get(key))
                        .as("round %d, the writer's own read", round)
                        .isEqualTo(Optional.of(p));
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
    }

    /**
     * How many messages a get-or-load miss of {@code key} publishes, seen by a subscriber of our own.
     * After the load, a marker is published by a script on the key's own node (same key, same slot):
     * Redis delivers a node's messages in order, so once the marker is here, the load's message is too.
     */
    private long messagesOfALoad(Cache<Profile> loader, String cache, String key) throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        String channel = backend.connector().keys().channel("cache");
        String suffix = " " + cache + " k " + key;
        String marker = "marker" + suffix;
        String[] onTheKeysNode = {backend.connector().keys().key("cache:" + cache, key)};
        try (AutoCloseable sub = backend.connector().subscribe(channel, m -> {
            if (m.endsWith(suffix)) {
                seen.add(m);
            }
        })) {
            // The subscription is live once it receives a message: publish markers until one arrives.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                backend.connector()
                        .sync(c -> c.<Long>eval(
                                "return redis.call('PUBLISH', ARGV[1], ARGV[2])",
                                io.lettuce.core.ScriptOutputType.INTEGER,
                                onTheKeysNode,
                                channel,
                                marker));
                return seen.contains(marker);
            });
            seen.clear();
            loader.getOrLoad(key, Duration.ofMinutes(1), id -> Optional.of(new Profile(id, "loaded", 1)));
            loader.get(key); // this instance's get waits until Redis has answered the load's write
            backend.connector()
                    .sync(c -> c.<Long>eval(
                            "return redis.call('PUBLISH', ARGV[1], ARGV[2])",
                            io.lettuce.core.ScriptOutputType.INTEGER,
                            onTheKeysNode,
                            channel,
                            marker));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(marker));
            return seen.stream().filter(m -> !m.equals(marker)).count();
        }
    }

    /**
     * A loader's write publishes only when someone needs it: nobody waits on its lease, and no
     * instance has a near cache for the cache, so no message; once another instance announces a near
     * cache for it (heartbeat), loads publish so that instance drops an older near copy.
     */
    @Test
    void aLoadPublishesOnlyWhenAWaiterOrANearCacheNeedsTheMessage() throws Exception {
        if (!backend.isRedis()) {
            return; // the in-memory store's messages are method calls: it always "publishes"
        }
        GatehouseConfig settings = GatehouseConfig.builder()
                .set("gatehouse.cache.heartbeat", "20ms")
                .build();
        Cache<Profile> plain = instance(settings).cache("plain", Profile.class);
        AtomicInteger n = new AtomicInteger();
        // Right after start the instance cannot know yet whether others have near caches: it publishes.
        // After three heartbeats it knows nobody does.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> messagesOfALoad(plain, "plain", "quiet-" + n.incrementAndGet()) == 0);
        instance(settings)
                .builder("plain", Profile.class)
                .nearCache(100, Duration.ofMinutes(1))
                .build();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> messagesOfALoad(plain, "plain", "heard-" + n.incrementAndGet()) == 1);
    }

    /**
     * A key can vanish from Redis without a delete (eviction, failover). Its reload by an instance
     * without a near cache must still reach the near cache of another instance that holds the old value.
     */
    @Test
    void aReloadAfterAnEvictionReachesOtherInstancesNearCaches() throws Exception {
        if (!backend.isRedis()) {
            return; // nothing evicts from the in-memory store behind the caches' back
        }
        GatehouseConfig settings = GatehouseConfig.builder()
                .set("gatehouse.cache.heartbeat", "20ms")
                .build();
        Cache<Profile> near = instance(settings)
                .builder("profile", Profile.class)
                .nearCache(100, Duration.ofMinutes(10))
                .build();
        Cache<Profile> loader = instance(settings).cache("profile", Profile.class);
        String key = "evicted";
        near.put(key, new Profile(key, "old", 1), Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            near.get(key);
            return near.stats().nearHits() > 0;
        });
        String raw = backend.connector().keys().key("cache:profile", key);
        backend.connector().sync(c -> c.del(raw)); // "evicted": no message
        long received = near.stats().invalidationsReceived();
        assertThat(loader.getOrLoad(key, Duration.ofMinutes(5), id -> Optional.of(new Profile(id, "new", 2))))
                .contains(new Profile(key, "new", 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> near.stats().invalidationsReceived() > received);
        assertThat(near.get(key)).contains(new Profile(key, "new", 2));
    }

    /**
     * Two instances with a near cache on "profile" (near TTL far longer than any test here: only
     * invalidation can make a near copy go away), {@code key} written by the first and held in both
     * near caches.
     */
    private List<Cache<Profile>> twoInstancesNearCaching(String key) {
        GatehouseConfig settings = GatehouseConfig.builder()
                .set("gatehouse.cache.heartbeat", "50ms")
                .build();
        Cache<Profile> a = instance(settings)
                .builder("profile", Profile.class)
                .nearCache(1000, Duration.ofMinutes(10))
                .build();
        Cache<Profile> b = instance(settings)
                .builder("profile", Profile.class)
                .nearCache(1000, Duration.ofMinutes(10))
                .build();
        a.put(key, new Profile(key, "v", 0), Duration.ofMinutes(5), List.of("tenant"));
        for (Cache<Profile> c : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                c.get(key);
                return c.stats().nearHits() > 0; // the near cache is live and holds the value
            });
        }
        return List.of(a, b);
    }
}
