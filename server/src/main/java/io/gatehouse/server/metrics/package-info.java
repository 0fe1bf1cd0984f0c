/**
 * Prometheus metrics through Micrometer, scraped at {@code GET /metrics}: HTTP requests by method, route
 * template and status with latency histograms ({@link io.gatehouse.server.metrics.ServerMetrics}), Redis
 * command latency histograms and circuit gauges per target ({@link io.gatehouse.server.metrics.RedisMetrics},
 * fed by core's {@link io.gatehouse.store.RedisCommandListener}), and the capabilities' meters
 * ({@link io.gatehouse.server.metrics.CapabilityMetrics}: a listener of tokens, sessions and rate limits,
 * plus scrape-time gauges of the revocation state and the event pipeline). The core has no Micrometer
 * dependency; everything is bound here. docs/SERVER.md lists every meter and tag.
 */
package io.gatehouse.server.metrics;
