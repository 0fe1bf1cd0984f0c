/**
 * Redis connectivity shared by every Gatehouse store: one {@link io.gatehouse.redis.RedisConnector}
 * per deployment (standalone, Sentinel or Cluster, plain or TLS), key naming with hash tags
 * ({@link io.gatehouse.redis.KeySpace}), Lua scripts run by SHA and reloaded on {@code NOSCRIPT}
 * ({@link io.gatehouse.redis.RedisScript}), a circuit breaker that makes calls to a dead server fail in
 * microseconds, and health probes.
 *
 * <p><b>Internal: may change without notice.</b> It is public only so that the capability packages
 * ({@code token}, {@code session}, ...) can use it; applications, the server and the CLI use
 * {@link io.gatehouse.Gatehouse} and the capabilities instead. No public member of an API package takes or
 * returns one of its types (core's {@code ApiBoundaryTest}); capability builders reach the connectors behind a
 * {@code Stores} through {@link io.gatehouse.backend.internal.StoresRedis}; the server's {@code ArchitectureTest}
 * fails if the server imports it or Lettuce. What outside code may see of Redis is in
 * {@code io.gatehouse.store}: {@code Stores}, health, {@code CircuitState}, {@code RedisCommandListener}. Lettuce types appear in the command functions
 * passed to {@link io.gatehouse.redis.RedisConnection#async}, but never in an exception: every failure
 * reaches the caller as an {@link io.gatehouse.store.StoreException}.
 */
package io.gatehouse.redis;
