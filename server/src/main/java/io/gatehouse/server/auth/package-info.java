/**
 * The auth API over HTTP ({@code /api/v1/auth/*}). Registration is here; login, refresh, logout and the
 * OAuth endpoints join when the token and session capabilities land, as further routes of
 * {@link io.gatehouse.server.auth.AuthRoutes}. Handlers only translate HTTP to calls of the core services.
 */
package io.gatehouse.server.auth;
