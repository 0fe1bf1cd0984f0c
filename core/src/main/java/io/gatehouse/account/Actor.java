package io.gatehouse.account;

import java.util.Objects;
import java.util.Optional;

/**
 * Who performs an account action, and from where: recorded with the action's security event.
 *
 * @param kind      the user acting on their own account, an administrator, an OAuth client, or an operator
 * @param id        the acting user's id, the client id, or the operator's name
 * @param session   the handle of the acting user's session, when there is one (never the secret session id)
 * @param ip        the client address, when known
 * @param userAgent the client's user agent, when known
 */
public record Actor(Kind kind, String id, Optional<String> session, Optional<String> ip, Optional<String> userAgent) {

    /** What kind of actor. */
    public enum Kind {
        /** The user, on their own account. */
        SELF,
        /** A user with the admin role, on someone's account. */
        ADMIN,
        /** An OAuth client with the admin scope. */
        CLIENT,
        /** An operator at the command line. */
        OPERATOR
    }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(userAgent, "userAgent");
    }

    /** The user {@code userId}, acting on their own account from the session with handle {@code sessionHandle}. */
    public static Actor self(String userId, String sessionHandle) {
        return new Actor(Kind.SELF, userId, Optional.of(sessionHandle), Optional.empty(), Optional.empty());
    }

    /** An operator at the command line ({@code name} is what the audit trail shows, e.g. the OS user). */
    public static Actor operator(String name) {
        return new Actor(Kind.OPERATOR, name, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This actor, seen from {@code ip} with {@code userAgent} (either may be empty). */
    public Actor from(Optional<String> ip, Optional<String> userAgent) {
        return new Actor(kind, id, session, ip, userAgent);
    }

    /** What the audit trail shows as the actor: {@code user:<id>}, {@code client:<id>} or {@code operator:<name>}. */
    public String label() {
        return switch (kind) {
            case SELF, ADMIN -> "user:" + id;
            case CLIENT -> "client:" + id;
            case OPERATOR -> "operator:" + id;
        };
    }
}
