package io.gatehouse.server.http;

/** A set of related routes (auth, health, metrics, ...) that adds itself to the server's {@link Routes}. */
@FunctionalInterface
public interface RouteGroup {
    void register(Routes routes);
}
