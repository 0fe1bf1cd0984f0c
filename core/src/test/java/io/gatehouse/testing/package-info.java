/**
 * Test support shared by every module's tests (published as the core test-jar): the backends a
 * contract test runs on, the contract-test bases, and a hand-driven clock.
 */
package io.gatehouse.testing;
