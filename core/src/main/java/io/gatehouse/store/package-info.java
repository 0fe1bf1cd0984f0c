/**
 * What every Gatehouse store has in common, whatever serves it: the typed errors a caller may see
 * ({@link io.gatehouse.store.StoreException} and its subclasses, never a Redis client's own exception
 * types), health reports, and {@link io.gatehouse.store.Stores}, which opens one backend per
 * {@link io.gatehouse.config.Purpose}: a Redis deployment, or the in-memory store when none is configured.
 */
package io.gatehouse.store;
