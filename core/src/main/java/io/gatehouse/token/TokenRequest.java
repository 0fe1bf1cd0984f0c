package io.gatehouse.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to issue tokens for.
 *
 * @param subject     the user ({@code sub})
 * @param sessionId   the session the tokens belong to ({@code sid}): its public handle ({@code Session.handle()}),
 *                    never the secret session id; revoking it revokes them
 * @param roles       the {@code roles} claim
 * @param permissions the {@code permissions} claim
 * @param amr         the {@code amr} claim (RFC 8176: how the user authenticated, e.g. {@code pwd}, {@code otp});
 *                    kept by every refresh of the family
 * @param authTime    the {@code auth_time} claim (when the user last authenticated); empty = at issue. Kept by
 *                    every refresh of the family: a refresh is not an authentication
 */
public record TokenRequest(
        String subject,
        String sessionId,
        List<String> roles,
        List<String> permissions,
        List<String> amr,
        Optional<Instant> authTime) {

    public TokenRequest {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sessionId, "sessionId");
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
        amr = List.copyOf(amr);
        Objects.requireNonNull(authTime, "authTime");
    }

    /** A request without {@code amr}, authenticated at issue. */
    public TokenRequest(String subject, String sessionId, List<String> roles, List<String> permissions) {
        this(subject, sessionId, roles, permissions, List.of(), Optional.empty());
    }

    /** A request with no roles or permissions. */
    public static TokenRequest of(String subject, String sessionId) {
        return new TokenRequest(subject, sessionId, List.of(), List.of());
    }

    /** A copy with these roles. */
    public TokenRequest roles(String... roles) {
        return new TokenRequest(subject, sessionId, List.of(roles), permissions, amr, authTime);
    }

    /** A copy with these permissions. */
    public TokenRequest permissions(String... permissions) {
        return new TokenRequest(subject, sessionId, roles, List.of(permissions), amr, authTime);
    }

    /** A copy saying how ({@code amr}) and when the user authenticated. */
    public TokenRequest authenticated(List<String> amr, Instant at) {
        return new TokenRequest(subject, sessionId, roles, permissions, amr, Optional.of(at));
    }
}
