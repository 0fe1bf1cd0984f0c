package io.gatehouse.session;

import java.util.Objects;

/**
 * A session just created, with its secret id: the only time the id leaves the store. Hand {@link #id()}
 * to the client (a cookie, the login response) and use {@link Session#handle()} everywhere else.
 *
 * @param id      the session id: a bearer secret ({@code <22 random base64url characters>.<user part>}),
 *                never logged ({@link #toString()} omits it)
 * @param session the session as stored
 */
public record CreatedSession(String id, Session session) {

    public CreatedSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(session, "session");
    }

    /** The session's public handle ({@code session().handle()}). */
    public String handle() {
        return session.handle();
    }

    /** Never prints the id: it is a bearer secret. */
    @Override
    public String toString() {
        return "CreatedSession[" + session + "]";
    }
}
