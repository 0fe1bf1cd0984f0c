package io.gatehouse.token;

import java.time.Instant;

/**
 * An access token and a refresh token issued together.
 *
 * @param accessToken      the signed access JWT
 * @param refreshToken     the refresh token (opaque by default, or a JWT); only its SHA-256 is stored
 * @param accessExpiresAt  the access token's {@code exp}
 * @param refreshExpiresAt the refresh token's {@code exp}
 * @param sessionId        the session ({@code sid})
 * @param familyId         the refresh family ({@code fam})
 * @param subject          the user ({@code sub})
 */
public record TokenPair(
        String accessToken,
        String refreshToken,
        Instant accessExpiresAt,
        Instant refreshExpiresAt,
        String sessionId,
        String familyId,
        String subject) {

    /** Seconds until the access token expires, from {@code now} ({@code expires_in} of OAuth). */
    public long expiresIn(Instant now) {
        return Math.max(0, accessExpiresAt.getEpochSecond() - now.getEpochSecond());
    }

    @Override
    public String toString() {
        // Tokens are secrets: never in a log line.
        return "TokenPair[subject=" + subject + ", family=" + familyId + ", accessExpiresAt=" + accessExpiresAt + "]";
    }
}
