package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testing.StoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stress version of the "writer's own read" check of {@link CacheInstancesContractTest}: two
 * instances, several readers per instance hammering one key, and many writes alternating between
 * the instances. Right after a put returns, the writer must read what it wrote.
 */
class CacheNearCacheStressTest extends StoreContract {
    record Profile(String id, String name, int version) {
    }

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

    Caches instance(GatehouseConfig settings) {
        Caches.Builder b = Caches.builder().config(settings);
        if (backend.isRedis()) {
            RedisConnector own = RedisConnector.connect(backend.configBuilder()
                    .set("gatehouse.redis.connect-timeout", "10s").build().redis(Purpose.CACHE).orElseThrow());
            opened.add(own);
            b.redis(own);
        } else {
            b.backend(memory);
        }
        Caches caches = b.build();
        opened.add(caches);
        return caches;
    }

    @Test
    void aWriterAlwaysReadsItsOwnWriteWhileReadersOnBothInstancesRefill() throws Exception {
        GatehouseConfig settings = GatehouseConfig.builder().set("gatehouse.cache.heartbeat", "50ms").build();
        Cache<Profile> a = instance(settings).builder("profile", Profile.class)
                .nearCache(1000, Duration.ofMinutes(10)).build();
        Cache<Profile> b = instance(settings).builder("profile", Profile.class)
                .nearCache(1000, Duration.ofMinutes(10)).build();
        String key = "u42";
        a.put(key, new Profile(key, "v", 0), Duration.ofMinutes(5), List.of("tenant"));
        for (Cache<Profile> c : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                c.get(key);
                return c.stats().nearHits() > 0;
            });
        }
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
                assertThat(writer.get(key)).as("round %d, the writer's own read", round).isEqualTo(Optional.of(p));
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
    }
}
