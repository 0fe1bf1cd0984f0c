package io.gatehouse.token;

import java.util.List;
import java.util.Objects;

/**
 * What to issue tokens for.
 *
 * @param subject     the user ({@code sub})
 * @param sessionId   the session the tokens belong to ({@code sid}): its public handle ({@code Session.handle()}),
 *                    never the secret session id; revoking it revokes them
 * @param roles       the {@code roles} claim
 * @param permissions the {@code permissions} claim
 */
public record TokenRequest(String subject, String sessionId, List<String> roles, List<String> permissions) {

    public TokenRequest {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sessionId, "sessionId");
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
    }

    /** A request with no roles or permissions. */
    public static TokenRequest of(String subject, String sessionId) {
        return new TokenRequest(subject, sessionId, List.of(), List.of());
    }

    /** A copy with these roles. */
    public TokenRequest roles(String... roles) {
        return new TokenRequest(subject, sessionId, List.of(roles), permissions);
    }

    /** A copy with these permissions. */
    public TokenRequest permissions(String... permissions) {
        return new TokenRequest(subject, sessionId, roles, List.of(permissions));
    }
}
