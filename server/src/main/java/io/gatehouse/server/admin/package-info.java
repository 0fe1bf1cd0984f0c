/**
 * The admin API under {@code /api/v1/admin}: revoking a user's tokens, a user's sessions, revocation
 * statistics, rate-limit status and reset, lockout unlock, and security-event queries. Every route
 * requires an administrator ({@link io.gatehouse.server.auth.AdminAccess}: role {@code admin} in a Bearer
 * token, or an OAuth client with scope {@code admin}); every action that changes state or reads personal
 * data records an {@code admin_action} security event naming the actor.
 */
package io.gatehouse.server.admin;
