/**
 * Prometheus metrics through Micrometer: HTTP requests by method, route template and status with latency
 * histograms, and the JVM's own meters, scraped at {@code GET /metrics}. Capabilities add their meters to
 * {@link io.gatehouse.server.metrics.ServerMetrics#registry()}.
 */
package io.gatehouse.server.metrics;
