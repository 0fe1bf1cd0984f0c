package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A get-or-load asks Redis with a write command (SET NX GET, which writes only on a miss). A Redis
 * that refuses writes (maxmemory reached with noeviction) must still serve hits, and a miss must
 * still answer (loaded, not cached), not fail.
 */
class CacheOutOfMemoryIntegrationTest {
    record Profile(String id, String name, int version) {}

    @Test
    void aRedisThatRefusesWritesStillServesHitsAndMissesAreLoaded() {
        try (StandaloneRedis redis = StandaloneRedis.start();
                Stores stores = Stores.open(
                        GatehouseConfig.builder().redisUrl(redis.url()).build())) {
            Caches caches = Caches.builder().stores(stores).build();
            try {
                Cache<Profile> cache = caches.cache("profile", Profile.class);
                cache.put("cached", new Profile("cached", "in redis", 1), Duration.ofMinutes(5));
                redis.node().cli("CONFIG", "SET", "maxmemory-policy", "noeviction");
                redis.node().cli("CONFIG", "SET", "maxmemory", "1");
                AtomicInteger loads = new AtomicInteger();
                CacheLoader<Profile> loader = id -> {
                    loads.incrementAndGet();
                    return Optional.of(new Profile(id, "loaded", 2));
                };

                assertThat(cache.getOrLoad("cached", Duration.ofMinutes(5), loader))
                        .contains(new Profile("cached", "in redis", 1));
                assertThat(loads).hasValue(0);
                assertThat(cache.getOrLoad("missing", Duration.ofMinutes(5), loader))
                        .contains(new Profile("missing", "loaded", 2));
                assertThat(loads).hasValue(1);
                assertThat(cache.stats().errors()).isPositive();
                assertThat(cache.get("missing")).isEmpty(); // nothing could be written
            } finally {
                caches.close();
            }
        }
    }
}
