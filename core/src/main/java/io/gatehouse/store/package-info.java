/**
 * What every Gatehouse store has in common, whatever serves it: the typed errors a caller may see
 * ({@link io.gatehouse.store.StoreException} and its subclasses, never a Redis client's own exception
 * types), health reports, circuit states and the command-latency listener. Opening the backends is
 * {@code io.gatehouse.backend.Stores}, which depends on this package, not the other way round.
 */
package io.gatehouse.store;
