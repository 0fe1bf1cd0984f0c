package io.gatehouse;

import io.gatehouse.redis.RedisConnector;
import java.util.List;
import java.util.Optional;

/** {@link ApiBoundaryTest}'s proof that its rule can fail: a public class that leaks the connector, as {@code Stores} did. */
public final class LeakyApi {
    public Optional<RedisConnector> redis() {
        return Optional.empty();
    }

    public void use(List<RedisConnector> connectors) {}

    LeakyApi(RedisConnector packagePrivateIsFine) {}
}
