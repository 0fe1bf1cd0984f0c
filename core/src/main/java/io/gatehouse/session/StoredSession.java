package io.gatehouse.session;

import java.util.Map;

/**
 * A session entry as stored, after its MAC was checked. Times are epoch seconds.
 *
 * @param name     the entry's name: the first part of the session's handle
 * @param ip       packed address, base64url, or empty
 * @param device   device id or empty
 * @param uaHash   content hash of the user agent (see {@link UserAgents}) or empty
 * @param raw      the stored text, for compare-and-set
 */
record StoredSession(
        String name,
        long created,
        long lastSeen,
        String ip,
        String device,
        String uaHash,
        Map<String, String> attributes,
        String raw) {

    /** Expiry: the earlier of the idle and the absolute deadline (the Lua scripts compute the same). */
    long expiresAt(long idleSeconds, long absoluteSeconds) {
        return Math.min(lastSeen + idleSeconds, created + absoluteSeconds);
    }
}
