package io.gatehouse.cache;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.StandaloneRedis;

/**
 * A standalone Redis of one test class's own, and a cache connector to it, for tests that pause Redis
 * (CLIENT PAUSE) or count its commands without disturbing the shared test backends.
 */
final class PrivateRedis implements AutoCloseable {
    final StandaloneRedis redis;
    final RedisConnector connector;

    private PrivateRedis(StandaloneRedis redis, RedisConnector connector) {
        this.redis = redis;
        this.connector = connector;
    }

    static PrivateRedis start() {
        StandaloneRedis redis = StandaloneRedis.start();
        try {
            // The timeouts of the shared test backends (Backend): a loaded CI machine must not fail the start.
            return new PrivateRedis(
                    redis,
                    RetryingConnect.connect(
                            GatehouseConfig.builder()
                                    .redisUrl(redis.url())
                                    .set("gatehouse.redis.connect-timeout", "10s")
                                    .set("gatehouse.redis.command-timeout", "5s")
                                    .build(),
                            Purpose.CACHE));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** Holds every client's writes (scripts and PUBLISH included) in Redis until {@link #unpause()}; reads go on. */
    void pauseWrites() {
        redis.node().cli("CLIENT", "PAUSE", "60000", "WRITE");
    }

    void unpause() {
        redis.node().cli("CLIENT", "UNPAUSE");
    }

    @Override
    public void close() {
        connector.close();
        redis.close();
    }
}
