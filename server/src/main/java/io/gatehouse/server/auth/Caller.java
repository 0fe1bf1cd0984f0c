package io.gatehouse.server.auth;

import io.gatehouse.session.Session;
import io.gatehouse.token.VerifiedToken;

/**
 * Who a request with a valid Bearer token acts for: the verified access token and its live session.
 *
 * @param token   the verified access token (signature, claims and revocation checked)
 * @param session its session, which still exists and was touched by this request
 */
public record Caller(VerifiedToken token, Session session) {
    /** The role that opens the admin API. */
    public static final String ADMIN_ROLE = "admin";

    /** The user ({@code sub}). */
    public String userId() {
        return token.subject();
    }

    /** The session ({@code sid}). */
    public String sessionId() {
        return token.sessionId();
    }

    public boolean hasRole(String role) {
        return token.roles().contains(role);
    }

    public boolean isAdmin() {
        return hasRole(ADMIN_ROLE);
    }
}
