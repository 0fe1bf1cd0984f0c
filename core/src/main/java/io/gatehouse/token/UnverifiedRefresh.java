package io.gatehouse.token;

/**
 * What a refresh token claims, read without its signature ({@link TokenService#peekRefresh}): not
 * authenticated, for choosing keys only (a rate-limit counter per family), never for a decision.
 *
 * @param subject   {@code sub} as claimed
 * @param sessionId {@code sid} as claimed
 * @param familyId  {@code fam} as claimed
 */
public record UnverifiedRefresh(String subject, String sessionId, String familyId) {
    @Override
    public String toString() {
        // The session id is a bearer secret (docs/SESSIONS.md): never in a log line.
        return "UnverifiedRefresh[subject=" + subject + ", family=" + familyId + "]";
    }
}
