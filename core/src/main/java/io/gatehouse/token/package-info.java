/**
 * Tokens: issue and verify JWT access and refresh tokens, rotate refresh tokens with reuse detection,
 * and revoke tokens, sessions, refresh families and users, with revocation checks answered from
 * memory (no network round trip).
 *
 * <p>Entry point: {@link io.gatehouse.token.TokenService#builder()}. Everything else in the package
 * is either a value the service returns ({@link io.gatehouse.token.TokenPair},
 * {@link io.gatehouse.token.VerifiedToken}, {@link io.gatehouse.token.RevocationStats}, ...), or
 * package-private machinery: the signing key set and its stores (file, Redis, memory), the refresh
 * family store with its atomic check-and-rotate script, and the revocation log (one Redis Stream plus
 * per-kind indexes) that every process mirrors into local maps.
 *
 * <p>Design and Redis layout: {@code docs/TOKENS.md}.
 */
package io.gatehouse.token;
