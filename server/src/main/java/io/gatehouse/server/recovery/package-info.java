/**
 * Account recovery and the mail around accounts: email verification, password reset, the mail to the owner of an
 * address someone tried to register with, and new-device and new-network alerts. The routes are
 * {@link io.gatehouse.server.recovery.RecoveryRoutes}; docs/ACCOUNTS.md shows each flow as a curl session.
 */
package io.gatehouse.server.recovery;
