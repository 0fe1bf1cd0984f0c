package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.StoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of a cache, the same on the in-memory store and on every Redis topology: typed
 * round trips, TTLs, get-or-load, failing loaders, negative caching, unreadable values, groups,
 * warmers and statistics. Cross-instance behaviour is in {@link CacheInstancesContractTest}.
 */
class CacheContractTest extends StoreContract {
    record Profile(String id, String name, int version) {}

    private final List<Caches> opened = new ArrayList<>();
    private CacheBackend memory;

    @BeforeEach
    void sharedMemory() {
        memory = new InMemoryCacheBackend(Clock.systemUTC());
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Caches::close);
    }

    Caches caches(GatehouseConfig config, Clock clock) {
        Caches.Builder b = Caches.builder().config(config).clock(clock);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        } else {
            b.backend(memory);
        }
        Caches c = b.build();
        opened.add(c);
        return c;
    }

    Cache<Profile> profiles() {
        return caches(GatehouseConfig.builder().build(), Clock.systemUTC()).cache("profile", Profile.class);
    }

    @Test
    void putThenGetReturnsAnEqualTypedValue() {
        Cache<Profile> cache = profiles();
        Profile p = new Profile("u1", "Ada Lovelace ✓", 3);
        cache.put("u1", p, Duration.ofMinutes(1));
        assertThat(cache.get("u1")).contains(p);
        assertThat(cache.get("u2")).isEmpty();
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
    }

    @Test
    void valuesExpireAfterTheirTtl() {
        Cache<Profile> cache = profiles();
        cache.put("u1", new Profile("u1", "a", 1), Duration.ofMillis(300));
        assertThat(cache.get("u1")).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("u1").isEmpty());
    }

    @Test
    void deleteRemovesTheValue() {
        Cache<Profile> cache = profiles();
        cache.put("u1", new Profile("u1", "a", 1), Duration.ofMinutes(1));
        cache.delete("u1");
        assertThat(cache.get("u1")).isEmpty();
    }

    @Test
    void cachesOfDifferentNamesDoNotShareKeys() {
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<Profile> a = caches.cache("a", Profile.class);
        Cache<String> b = caches.cache("b", String.class);
        a.put("k", new Profile("k", "x", 1), Duration.ofMinutes(1));
        assertThat(b.get("k")).isEmpty();
        assertThatThrownBy(() -> caches.cache("a", Profile.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void getOrLoadLoadsOnceThenServesTheCachedValue() throws Exception {
        Cache<Profile> cache = profiles();
        AtomicInteger loads = new AtomicInteger();
        CacheLoader<Profile> loader = id -> Optional.of(new Profile(id, "loaded-" + loads.incrementAndGet(), 1));
        assertThat(cache.getOrLoad("u7", Duration.ofMinutes(1), loader)).contains(new Profile("u7", "loaded-1", 1));
        assertThat(cache.getOrLoad("u7", Duration.ofMinutes(1), loader)).contains(new Profile("u7", "loaded-1", 1));
        assertThat(cache.get("u7")).contains(new Profile("u7", "loaded-1", 1));
        assertThat(loads).hasValue(1);
        CacheStats s = cache.stats();
        assertThat(s.loads()).isEqualTo(1);
        assertThat(s.hits()).isEqualTo(2);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.loadTime()).isPositive();
    }

    @Test
    void aFailingLoaderGivesATypedErrorAndCachesNothing() {
        Cache<Profile> cache = profiles();
        assertThatThrownBy(() -> cache.getOrLoad("u1", Duration.ofMinutes(1), id -> {
                    throw new IllegalStateException("database down");
                }))
                .isInstanceOf(CacheLoadException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(((CacheLoadException) e).key()).isEqualTo("u1"));
        assertThat(cache.get("u1")).isEmpty();
        // Not poisoned: the lease was given back, so the next call loads at once.
        assertThat(cache.getOrLoad("u1", Duration.ofMinutes(1), id -> Optional.of(new Profile(id, "ok", 1))))
                .contains(new Profile("u1", "ok", 1));
        assertThat(cache.stats().loadFailures()).isEqualTo(1);
        assertThat(cache.stats().leaseWaits()).isZero();
    }

    @Test
    void absentResultsAreCachedOnlyWithANegativeTtl() throws Exception {
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<Profile> plain = caches.cache("plain", Profile.class);
        Cache<Profile> negative = caches.builder("negative", Profile.class)
                .negativeTtl(Duration.ofMinutes(1))
                .build();
        AtomicInteger loads = new AtomicInteger();
        CacheLoader<Profile> nothing = id -> {
            loads.incrementAndGet();
            return Optional.empty();
        };
        assertThat(plain.getOrLoad("x", Duration.ofMinutes(1), nothing)).isEmpty();
        assertThat(plain.getOrLoad("x", Duration.ofMinutes(1), nothing)).isEmpty();
        assertThat(loads).hasValue(2);
        assertThat(negative.getOrLoad("x", Duration.ofMinutes(1), nothing)).isEmpty();
        assertThat(negative.getOrLoad("x", Duration.ofMinutes(1), nothing)).isEmpty();
        assertThat(negative.get("x")).isEmpty();
        assertThat(loads).hasValue(3);
        assertThat(negative.stats().hits()).isEqualTo(2); // the cached "absent" answered
        // A put replaces the cached absence.
        negative.put("x", new Profile("x", "now exists", 1), Duration.ofMinutes(1));
        assertThat(negative.getOrLoad("x", Duration.ofMinutes(1), nothing)).contains(new Profile("x", "now exists", 1));
    }

    @Test
    void anUnreadableValueIsATypedErrorAndGetOrLoadReplacesIt() throws Exception {
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<String> asText = caches.cache("shared-name", String.class);
        asText.put("u1", "not a profile", Duration.ofMinutes(1));
        caches.close();
        Cache<Profile> cache =
                caches(GatehouseConfig.builder().build(), Clock.systemUTC()).cache("shared-name", Profile.class);
        assertThatThrownBy(() -> cache.get("u1"))
                .isInstanceOf(CacheValueException.class)
                .hasMessageContaining("u1")
                .hasMessageContaining("shared-name");
        Profile fresh = new Profile("u1", "fresh", 2);
        assertThat(cache.getOrLoad("u1", Duration.ofMinutes(1), id -> Optional.of(fresh)))
                .contains(fresh);
        assertThat(cache.get("u1")).contains(fresh);
        assertThat(cache.stats().errors()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aValueThatCannotBeWrittenAsJsonIsATypedErrorAndWritesNothing() {
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<Object> cache = caches.cache("objects", Object.class);
        assertThatThrownBy(() -> cache.put("k", new Object(), Duration.ofMinutes(1)))
                .isInstanceOf(CacheValueException.class);
        assertThat(cache.get("k")).isEmpty();
        assertThatThrownBy(() -> cache.getOrLoad("k", Duration.ofMinutes(1), id -> Optional.of(new Object())))
                .isInstanceOf(CacheValueException.class);
        // the lease was released: a loader that works is not kept waiting
        assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), id -> Optional.of("text")))
                .contains("text");
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        Cache<Profile> cache = profiles();
        Profile p = new Profile("a", "b", 1);
        for (String bad : List.of("", "a b", "{tag}", "x\n", "a".repeat(513))) {
            assertThatThrownBy(() -> cache.put(bad, p, Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.get(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.getOrLoad(bad, Duration.ofMinutes(1), id -> Optional.of(p)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> cache.put("k", p, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.put("k", p, Duration.ofDays(31))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.put("k", p, Duration.ofMinutes(1), List.of("a,b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.invalidateGroup("g|1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Caches.inMemory().cache("Bad Name", String.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.get("k")).isEmpty();
        if (backend.isRedis()) {
            assertThat(backend.keyCount()).isZero();
        }
    }

    @Test
    void invalidatingAGroupHidesItsMembersOnly() {
        Cache<Profile> cache = profiles();
        Profile p = new Profile("u1", "x", 1);
        cache.put("u1", p, Duration.ofMinutes(1), List.of("tenant-1", "all"));
        cache.put("u2", p, Duration.ofMinutes(1), List.of("tenant-2", "all"));
        cache.put("u3", p, Duration.ofMinutes(1));
        cache.invalidateGroup("tenant-1");
        assertThat(cache.get("u1")).isEmpty();
        assertThat(cache.get("u2")).contains(p);
        assertThat(cache.get("u3")).contains(p);
        cache.invalidateGroup("all");
        assertThat(cache.get("u2")).isEmpty();
        assertThat(cache.get("u3")).contains(p);
        // Written again after the invalidation: readable again.
        cache.put("u1", p, Duration.ofMinutes(1), List.of("tenant-1"));
        assertThat(cache.get("u1")).contains(p);
        // getOrLoad replaces an invalidated member with a fresh load.
        cache.invalidateGroup("tenant-1");
        Profile fresh = new Profile("u1", "fresh", 2);
        assertThat(cache.getOrLoad("u1", Duration.ofMinutes(1), List.of("tenant-1"), id -> Optional.of(fresh)))
                .contains(fresh);
        assertThat(cache.get("u1")).contains(fresh);
    }

    @Test
    void aGroupInvalidatedWhileALoadRunsMakesThatLoadStale() throws Exception {
        Cache<Profile> cache = profiles();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Thread t = new Thread(() -> cache.getOrLoad("u1", Duration.ofMinutes(1), List.of("tenant-1"), id -> {
            loading.countDown();
            proceed.await();
            return Optional.of(new Profile(id, "read before the invalidation", 1));
        }));
        t.start();
        loading.await();
        cache.invalidateGroup("tenant-1");
        proceed.countDown();
        t.join();
        assertThat(cache.get("u1")).isEmpty();
    }

    @Test
    void aDeleteDuringALoadIsNotUndoneByThatLoad() throws Exception {
        Cache<Profile> cache = profiles();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        List<Optional<Profile>> result = new ArrayList<>();
        Thread t = new Thread(() -> result.add(cache.getOrLoad("u1", Duration.ofMinutes(1), id -> {
            loading.countDown();
            proceed.await();
            return Optional.of(new Profile(id, "outdated", 1));
        })));
        t.start();
        loading.await();
        cache.delete("u1");
        proceed.countDown();
        t.join();
        assertThat(result).containsExactly(Optional.of(new Profile("u1", "outdated", 1)));
        assertThat(cache.get("u1")).isEmpty();
        // and a put during a load wins over it
        CountDownLatch loading2 = new CountDownLatch(1);
        CountDownLatch proceed2 = new CountDownLatch(1);
        Thread t2 = new Thread(() -> cache.getOrLoad("u1", Duration.ofMinutes(1), id -> {
            loading2.countDown();
            proceed2.await();
            return Optional.of(new Profile(id, "outdated", 1));
        }));
        t2.start();
        loading2.await();
        cache.put("u1", new Profile("u1", "newer", 2), Duration.ofMinutes(1));
        proceed2.countDown();
        t2.join();
        assertThat(cache.get("u1")).contains(new Profile("u1", "newer", 2));
    }

    /**
     * getOrLoad returns before Redis answered its write (docs/CACHE.md, "Round trips"); a delete, put or
     * group invalidation by the same instance right after still leaves the newer state, whichever reaches
     * Redis first (the write is guarded by the load lease they remove, and stamped with the generations
     * read before the load), and this instance's reads wait for the write.
     */
    @Test
    void aDeletePutOrGroupInvalidationRightAfterGetOrLoadLeavesTheNewerState() {
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<Profile> cache = caches.cache("profile", Profile.class);
        int keys = 50;
        for (int i = 0; i < keys; i++) {
            cache.getOrLoad("del-" + i, Duration.ofMinutes(1), id -> Optional.of(new Profile(id, "loaded", 1)));
            cache.delete("del-" + i);
            cache.getOrLoad("put-" + i, Duration.ofMinutes(1), id -> Optional.of(new Profile(id, "loaded", 1)));
            cache.put("put-" + i, new Profile("put-" + i, "put", 2), Duration.ofMinutes(1));
            cache.getOrLoad(
                    "grp-" + i,
                    Duration.ofMinutes(1),
                    List.of("g" + i),
                    id -> Optional.of(new Profile(id, "loaded", 1)));
            cache.invalidateGroup("g" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.fills().inFlight() == 0);
        for (int i = 0; i < keys; i++) {
            assertThat(cache.get("del-" + i)).as("deleted key %d", i).isEmpty();
            assertThat(cache.get("put-" + i)).as("put key %d", i).contains(new Profile("put-" + i, "put", 2));
            assertThat(cache.get("grp-" + i))
                    .as("key %d of an invalidated group", i)
                    .isEmpty();
            if (backend.isRedis()) {
                String raw = backend.connector().keys().key("cache:profile", "del-" + i);
                String stored = backend.connector().sync(c -> c.get(raw));
                assertThat(stored).as("deleted key %d in Redis", i).isNull();
            }
        }
        assertThat(cache.stats().errors()).isZero();
    }

    @Test
    void warmersWriteTheirSourceNowAndOnASchedule() {
        Cache<Profile> cache = profiles();
        AtomicInteger version = new AtomicInteger();
        CacheWarmer warmer = cache.warmer("top-users", Duration.ofMinutes(1), () -> {
            int v = version.incrementAndGet();
            return Map.of("u1", new Profile("u1", "a", v), "u2", new Profile("u2", "b", v));
        });
        assertThat(warmer.runNow()).isEqualTo(2);
        assertThat(cache.get("u1")).contains(new Profile("u1", "a", 1));
        warmer.schedule(Duration.ofMillis(50));
        // A run writes before it is counted: wait for both (the check may fall between the two).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.get("u2").map(Profile::version).orElse(0) >= 3 && warmer.runs() >= 3);
        warmer.cancel();
        CacheWarmer failing = cache.warmer("broken", Duration.ofMinutes(1), () -> {
            throw new IllegalStateException("source down");
        });
        assertThatThrownBy(failing::runNow).isInstanceOf(CacheLoadException.class);
        assertThat(failing.failures()).isEqualTo(1);
    }

    @Test
    void hotKeysAreRefreshedEarlyNearTheirExpiry() {
        io.gatehouse.testing.MutableClock clock = io.gatehouse.testing.MutableClock.at("2026-01-01T00:00:00Z");
        Cache<Profile> cache = caches(GatehouseConfig.builder().build(), clock)
                .builder("xfetch", Profile.class)
                .earlyRefresh(1.0)
                .build();
        AtomicInteger loads = new AtomicInteger();
        CacheLoader<Profile> loader = id -> {
            clock.advance(Duration.ofMillis(100)); // the source takes 100 ms
            return Optional.of(new Profile(id, "v", loads.incrementAndGet()));
        };
        assertThat(cache.getOrLoad("hot", Duration.ofMinutes(10), loader)
                        .orElseThrow()
                        .version())
                .isEqualTo(1);
        // Far from expiry: refreshing now has probability e^-6000, i.e. never.
        for (int i = 0; i < 100; i++) {
            assertThat(cache.getOrLoad("hot", Duration.ofMinutes(10), loader)
                            .orElseThrow()
                            .version())
                    .isEqualTo(1);
        }
        assertThat(loads).hasValue(1);
        // At its (logical) expiry, while the store still has it: the hit is served and a refresh starts.
        clock.advance(Duration.ofMinutes(10));
        assertThat(cache.getOrLoad("hot", Duration.ofMinutes(10), loader)
                        .orElseThrow()
                        .version())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.get("hot").orElseThrow().version() == 2);
        assertThat(loads).hasValue(2);
        assertThat(cache.stats().refreshes()).isEqualTo(1);
    }

    @Test
    void concurrentMissesInOneInstanceRunTheLoaderOnce() throws Exception {
        Cache<Profile> cache = profiles();
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        int threads = 64;
        CacheLoader<Profile> loader = id -> {
            loads.incrementAndGet();
            await().atMost(Duration.ofSeconds(30)).until(() -> entered.get() == threads);
            return Optional.of(new Profile(id, "once", 1));
        };
        List<Thread> ts = new ArrayList<>();
        List<Optional<Profile>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                entered.incrementAndGet();
                results.add(cache.getOrLoad("k", Duration.ofMinutes(1), loader));
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(loads).hasValue(1);
        assertThat(results).hasSize(threads).containsOnly(Optional.of(new Profile("k", "once", 1)));
    }

    /** While a key loads, its lease sits where the value will be: a get meanwhile is a plain miss. */
    @Test
    void aGetWhileTheKeyLoadsIsAMissNotAnError() throws Exception {
        Cache<Profile> cache = profiles();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> cache.getOrLoad("slow", Duration.ofMinutes(1), id -> {
            entered.countDown();
            release.await();
            return Optional.of(new Profile(id, "loaded", 1));
        }));
        t.start();
        assertThat(entered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(cache.get("slow")).isEmpty();
            assertThat(cache.stats().errors()).isZero();
        } finally {
            release.countDown();
            t.join();
        }
        assertThat(cache.get("slow")).contains(new Profile("slow", "loaded", 1));
    }

    /**
     * The documented round trips, counted with MONITOR (which shows a script's own commands apart,
     * as "lua"): a get is one plain GET; a get-or-load hit is one plain SET NX GET (which returns the
     * entry and writes nothing), a miss two round trips (that SET, which took the load lease, then
     * the leased write, a script), like a plain GET + SET.
     */
    @Test
    void getIsOneGetAndGetOrLoadTakesOneRoundTripOnAHitAndTwoOnAMiss() throws Exception {
        if (backend != io.gatehouse.testing.Backend.STANDALONE) {
            return; // one MONITOR sees every command only on a single node
        }
        Caches caches = caches(GatehouseConfig.builder().build(), Clock.systemUTC());
        Cache<Profile> cache = caches.cache("profile", Profile.class);
        CacheLoader<Profile> loader = id -> Optional.of(new Profile(id, "loaded", 1));
        java.net.URI url = java.net.URI.create(backend.deployment().url());
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().write("MONITOR\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("+OK");
            // getOrLoad returns before Redis answered its write: the miss ends once that write is answered
            Runnable miss = () -> {
                cache.getOrLoad("rt", Duration.ofMinutes(1), loader);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> caches.fills().inFlight() == 0);
            };
            assertThat(commandsOf(in, "miss", miss))
                    .as("commands of a get-or-load miss")
                    .containsExactly("SET", "EVALSHA");
            assertThat(commandsOf(in, "hit", () -> cache.getOrLoad("rt", Duration.ofMinutes(1), loader)))
                    .as("commands of a get-or-load hit")
                    .containsExactly("SET");
            assertThat(commandsOf(in, "get", () -> cache.get("rt")))
                    .as("commands of a get hit")
                    .containsExactly("GET");
        }
    }

    /** The commands clients sent while {@code action} ran (not a script's own, not heartbeats). */
    private List<String> commandsOf(java.io.BufferedReader monitor, String name, Runnable action) throws Exception {
        String start = "start-" + name;
        String end = "end-" + name;
        backend.connector().sync(c -> c.echo(start));
        action.run();
        backend.connector().sync(c -> c.echo(end));
        List<String> commands = new ArrayList<>();
        boolean started = false;
        for (String line = monitor.readLine(); line != null; line = monitor.readLine()) {
            // +1700000000.123456 [0 127.0.0.1:50000] "EVALSHA" "..." ...   ([0 lua] for a script's own)
            int q = line.indexOf("] \"");
            if (q < 0 || line.contains(" lua] ")) {
                continue;
            }
            String command = line.substring(q + 3, line.indexOf('"', q + 3)).toUpperCase(java.util.Locale.ROOT);
            if (command.equals("ECHO")) {
                if (line.contains(start)) {
                    started = true;
                } else if (line.contains(end)) {
                    return commands;
                }
            } else if (started && !command.equals("PUBLISH")) { // heartbeats
                commands.add(command);
            }
        }
        throw new AssertionError("MONITOR ended");
    }
}
