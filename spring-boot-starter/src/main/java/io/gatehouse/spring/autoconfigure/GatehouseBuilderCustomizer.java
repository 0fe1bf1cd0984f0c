package io.gatehouse.spring.autoconfigure;

import io.gatehouse.Gatehouse;

/**
 * Adds to the {@link Gatehouse.Builder} before the starter builds the application's {@link Gatehouse}
 * (listeners, a clock). Every bean of this type is applied; the metrics auto-configuration is one.
 */
@FunctionalInterface
public interface GatehouseBuilderCustomizer {
    void customize(Gatehouse.Builder builder);
}
