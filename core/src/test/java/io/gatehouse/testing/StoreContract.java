package io.gatehouse.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of a behaviour suite written once and run against the in-memory store and every Redis
 * topology. A store's contract test extends this and builds its store from {@link #backend}: on
 * {@link Backend#IN_MEMORY} the in-memory implementation, otherwise the Redis one on
 * {@code backend.stores()} (the capability builders' {@code stores(...)}). Each test starts with empty Redis
 * deployments.
 *
 * <p>Surefire reports list every test once per backend, named by the backend.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Backend.class)
public abstract class StoreContract {
    @Parameter
    protected Backend backend;

    @BeforeEach
    void startEmpty() {
        backend.flush();
    }
}
