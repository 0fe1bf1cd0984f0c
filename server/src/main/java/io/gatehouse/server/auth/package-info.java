/**
 * Authentication and the user-facing auth API.
 *
 * <p>Primitives other route groups use: {@link io.gatehouse.server.auth.BearerAuthenticator} (protected
 * routes: token verified, revocation checked, session alive and touched → a
 * {@link io.gatehouse.server.auth.Caller}), {@link io.gatehouse.server.auth.ClientRegistry} (OAuth clients
 * with hashed secrets, HTTP Basic per RFC 6749 §2.3.1) and {@link io.gatehouse.server.auth.AdminAccess}
 * (role {@code admin} or a client with scope {@code admin}). {@link io.gatehouse.server.auth.AuthSettings}
 * holds the issuer/public URL and the auth rate-limit policies.
 *
 * <p>Routes only parse, call a service and render; the flows (login with its limits, lockout, session,
 * tokens, profile cache and events) live in service classes of this package.
 */
package io.gatehouse.server.auth;
