/**
 * The account actions: ending sessions, revoking a user's tokens, suspending and reactivating, roles,
 * password changes, device trust and lockout release. One implementation ({@link io.gatehouse.account.Accounts},
 * from {@link io.gatehouse.Gatehouse#accounts()}) serves the account API, the admin API, the web console
 * and the CLI, so an action behaves the same wherever it is called from and its security event is
 * recorded once, naming the {@link io.gatehouse.account.Actor}.
 */
package io.gatehouse.account;
