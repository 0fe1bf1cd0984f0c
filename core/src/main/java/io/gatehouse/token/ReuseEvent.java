package io.gatehouse.token;

import java.time.Instant;

/**
 * A refresh token was used again after it had been rotated and its grace window had closed.
 *
 * @param subject        the user
 * @param sessionId      the session, now revoked
 * @param familyId       the refresh family, now revoked
 * @param tokenId        the {@code jti} of the reused refresh token
 * @param firstDetection whether this is the first reuse seen in this family (later attempts repeat the event)
 * @param at             when
 */
public record ReuseEvent(
        String subject, String sessionId, String familyId, String tokenId, boolean firstDetection, Instant at) {}
