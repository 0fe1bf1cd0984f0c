/**
 * The web console: the account security page ({@code /account/}) for every user and the admin console
 * ({@code /admin/}) for users with the role {@code admin}, served by Gatehouse itself from vendored static
 * assets.
 *
 * <p>Backend-for-frontend: signing in goes through the same {@code LoginService} as the API (rate limits,
 * lockout, events) and creates an ordinary Gatehouse session; the browser gets one {@code HttpOnly},
 * {@code SameSite=Strict} cookie naming that session plus a random secret whose hash the session keeps as an
 * attribute, and never an access or refresh token. Every console request is checked by {@link ConsoleGate}
 * (same origin, cookie, session alive, user active; state changes also need the CSRF token derived from the
 * cookie secret). Every action calls {@link io.gatehouse.account.Accounts}, the same actions as the API and
 * the CLI. See docs/CONSOLE.md.
 */
package io.gatehouse.server.console;
