package io.gatehouse.testing;

import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.time.Duration;

/**
 * Connects for fault tests that configure a short command timeout. The first handshake is bounded by that
 * timeout too, and a fresh JVM on a loaded machine can miss it; connecting is not what those tests are
 * about, so a handshake that timed out is retried (up to a minute) instead of failing the test.
 */
public final class RetryingConnect {
    private RetryingConnect() {}

    /** The stores of {@code config}, once every handshake made it in time. */
    public static Stores open(GatehouseConfig config) {
        return await().atMost(Duration.ofSeconds(60))
                .ignoreException(ConfigException.class)
                .until(() -> Stores.open(config), s -> true);
    }

    /** The connector for {@code purpose}, once a handshake made it in time. */
    public static RedisConnector connect(GatehouseConfig config, Purpose purpose) {
        return await().atMost(Duration.ofSeconds(60))
                .ignoreException(ConfigException.class)
                .until(() -> RedisConnector.connect(config.redis(purpose).orElseThrow()), c -> true);
    }
}
