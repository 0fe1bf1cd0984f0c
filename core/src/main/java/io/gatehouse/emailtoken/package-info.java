/**
 * Single-use tokens sent by email: address verification and password reset. Only a hash of each token is
 * stored, with its time to live; taking a token is atomic, so two clicks on one link cannot both succeed.
 * {@link io.gatehouse.emailtoken.EmailTokens} is the API; the in-memory and Redis stores are internal.
 */
package io.gatehouse.emailtoken;
