/**
 * {@link io.gatehouse.backend.Stores}: the backends of one Gatehouse instance, one per
 * {@link io.gatehouse.config.Purpose} (a Redis deployment, or the in-memory store when none is configured),
 * which every capability's builder takes. Kept apart from {@link io.gatehouse.store}, the errors and health
 * types that the Redis plumbing itself reports, so that no package depends on one that depends on it.
 */
package io.gatehouse.backend;
