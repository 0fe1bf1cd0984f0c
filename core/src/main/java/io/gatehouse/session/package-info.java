/**
 * Sessions and devices shared by every instance: create, get, touch (sliding idle timeout plus an
 * absolute lifetime), update attributes, end one, end all, end all but the current one, list a user's
 * sessions, group them by device, mark devices trusted for a while, and a per-user session limit
 * enforced atomically at creation.
 *
 * <p>Start from {@link io.gatehouse.session.SessionStore#builder()}. The same behaviour is served by
 * Redis (any topology) or, with no Redis configured, in memory. Every session record carries a
 * truncated HMAC-SHA256; a record altered in Redis is treated as absent, never trusted. Device
 * fingerprints are kept only as keyed hashes.
 *
 * <p>Redis layout, memory figures and the reasons behind them: {@code docs/SESSIONS.md}.
 */
package io.gatehouse.session;
