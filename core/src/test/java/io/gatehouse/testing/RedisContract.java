package io.gatehouse.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of a suite that is about Redis itself (connectivity, scripts, key slots), run on each of the
 * four Redis topologies. Each test starts with empty deployments.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(
        value = Backend.class,
        names = {"STANDALONE", "CLUSTER", "SENTINEL", "TLS"})
public abstract class RedisContract {
    @Parameter
    protected Backend backend;

    @BeforeEach
    void startEmpty() {
        backend.flush();
    }
}
