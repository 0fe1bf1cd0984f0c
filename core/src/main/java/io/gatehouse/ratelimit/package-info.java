/**
 * Rate limiting and login brute-force protection.
 *
 * <p>{@link io.gatehouse.ratelimit.RateLimiter} decides limits by GCRA: one key holding one timestamp per
 * policy and subject, one {@code EVALSHA} per decision (several limits of one subject in one script, of
 * several subjects in one pipelined round trip), a local deny cache for keys refused moments ago, and a
 * per-policy answer while Redis is down (in-memory fallback, fail open, fail closed).
 * {@link io.gatehouse.ratelimit.RatePolicies} holds the configured named policies.
 * {@link io.gatehouse.ratelimit.LoginGuard} counts consecutive login failures per account, IP+account and
 * IP and locks out with growing waits. {@link io.gatehouse.ratelimit.RateLimitResponse} turns decisions
 * into HTTP status, headers and problem bodies without depending on any HTTP library.
 * Design, Redis layout and guarantees: {@code docs/RATE-LIMITS.md}.
 */
package io.gatehouse.ratelimit;
