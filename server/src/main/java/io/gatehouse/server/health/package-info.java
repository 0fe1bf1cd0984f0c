/**
 * Health over HTTP: liveness, readiness and per-part reports ({@code healthy}, {@code degraded},
 * {@code unhealthy}); 200 for the first two, 503 for the last, so load balancers and orchestrators can
 * act on the status code alone.
 */
package io.gatehouse.server.health;
