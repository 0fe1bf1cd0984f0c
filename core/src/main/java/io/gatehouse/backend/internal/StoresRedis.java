package io.gatehouse.backend.internal;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis deployments behind a {@link Stores}, for core's capability builders and Gatehouse's own Redis
 * tooling (backups). {@code Stores} keeps its connectors out of its public API (no public method of an API
 * package takes or returns a type of {@code io.gatehouse.redis}; {@code ApiBoundaryTest} checks it) and
 * hands them over here instead, when the class loads: whoever holds a {@code Stores} finds its view
 * registered.
 */
public final class StoresRedis {
    /** What {@link Stores} shows of itself to core. */
    public interface View {
        Optional<RedisConnector> redis(Stores stores, Purpose purpose);

        List<RedisConnector> connectors(Stores stores);
    }

    private static volatile View view;

    private StoresRedis() {}

    /** Called once, by {@link Stores} as it loads. */
    public static synchronized void register(View stores) {
        if (view != null) {
            throw new IllegalStateException("the Stores view is registered already");
        }
        view = Objects.requireNonNull(stores, "stores");
    }

    /** The Redis deployment serving {@code purpose}, or empty when it is served in memory. */
    public static Optional<RedisConnector> of(Stores stores, Purpose purpose) {
        return view.redis(Objects.requireNonNull(stores, "stores"), purpose);
    }

    /** Every Redis deployment in use, once each (purposes sharing an endpoint share a connector). */
    public static List<RedisConnector> connectors(Stores stores) {
        return view.connectors(Objects.requireNonNull(stores, "stores"));
    }
}
