package io.gatehouse.cache;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.StandaloneRedis;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A standalone Redis of one test class's own, and a cache connector to it, for tests that pause Redis
 * (CLIENT PAUSE) or count its commands without disturbing the shared test backends. Register it as a
 * static {@code @RegisterExtension} field: started before the class's tests, stopped after them.
 */
final class PrivateRedis implements BeforeAllCallback, AfterAllCallback {
    private StandaloneRedis redis;
    private RedisConnector connector;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = StandaloneRedis.start();
        // The timeouts of the shared test backends (Backend): a loaded CI machine must not fail the start.
        connector = RetryingConnect.connect(
                GatehouseConfig.builder()
                        .redisUrl(redis.url())
                        .set("gatehouse.redis.connect-timeout", "10s")
                        .set("gatehouse.redis.command-timeout", "5s")
                        .build(),
                Purpose.CACHE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (connector != null) {
            connector.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    StandaloneRedis redis() {
        return redis;
    }

    RedisConnector connector() {
        return connector;
    }

    /** Holds every client's writes (scripts and PUBLISH included) in Redis until {@link #unpause()}; reads go on. */
    void pauseWrites() {
        redis.node().cli("CLIENT", "PAUSE", "60000", "WRITE");
    }

    void unpause() {
        redis.node().cli("CLIENT", "UNPAUSE");
    }
}
