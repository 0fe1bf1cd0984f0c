/**
 * Redis connectivity shared by every Gatehouse store: one {@link io.gatehouse.redis.RedisConnector}
 * per deployment (standalone, Sentinel or Cluster, plain or TLS), key naming with hash tags
 * ({@link io.gatehouse.redis.KeySpace}), Lua scripts run by SHA and reloaded on {@code NOSCRIPT}
 * ({@link io.gatehouse.redis.RedisScript}), a circuit breaker that makes calls to a dead server fail in
 * microseconds, and health probes.
 *
 * <p>This package is public so that the capability packages ({@code token}, {@code session}, ...) can
 * use it; applications use those capabilities instead. Lettuce types appear in the command functions
 * passed to {@link io.gatehouse.redis.RedisConnection#async}, but never in an exception: every failure
 * reaches the caller as an {@link io.gatehouse.store.StoreException}.
 */
package io.gatehouse.redis;
