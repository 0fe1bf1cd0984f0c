/**
 * The Gatehouse server: {@link io.gatehouse.server.GatehouseServer} wires configuration, stores, the user
 * database and the route groups into one HTTP server; {@link io.gatehouse.server.Main} runs it. Follow a
 * request from here: the route group of its path (auth, admin, health, metrics), then the service it calls;
 * {@link io.gatehouse.Gatehouse} (opened by {@code GatehouseServer}) builds the core capabilities those services call.
 */
package io.gatehouse.server;
