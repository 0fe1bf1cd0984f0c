/**
 * Gatehouse configuration: one immutable {@link io.gatehouse.config.GatehouseConfig} built from a
 * properties file, overridden by environment variables, or assembled with its builder.
 *
 * <p>Every key is documented in {@code docs/CONFIGURATION.md}. Keys are lower-case and dash
 * separated ({@code gatehouse.redis.command-timeout}); the environment variable for a key is the key
 * upper-cased with dots and dashes turned into underscores ({@code GATEHOUSE_REDIS_COMMAND_TIMEOUT}).
 */
package io.gatehouse.config;
