/**
 * The base of every exception Gatehouse throws on purpose ({@link io.gatehouse.error.GatehouseException}) and
 * the one for input a caller must correct ({@link io.gatehouse.error.InvalidInputException}). Every package
 * depends on this one and it depends on none, so the composition root {@link io.gatehouse.Gatehouse} can
 * depend on every capability without a cycle.
 */
package io.gatehouse.error;
