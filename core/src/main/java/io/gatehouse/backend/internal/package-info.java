/**
 * <b>Internal: may change without notice.</b> How core's capability packages (and the backup tooling) reach
 * the Redis connectors behind an {@link io.gatehouse.backend.Stores} without {@code Stores} exposing them in
 * its public API.
 */
package io.gatehouse.backend.internal;
