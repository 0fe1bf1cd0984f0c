package io.gatehouse.server.console;

import io.gatehouse.account.Actor;
import io.gatehouse.server.auth.Caller;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.session.Session;
import io.gatehouse.user.User;
import java.util.Optional;

/**
 * The signed-in user of a console request.
 *
 * @param user    the user as stored now (status and roles are read per request, not from the sign-in)
 * @param session the Gatehouse session the console cookie names, alive and touched by this request
 * @param sessionId the secret id of that session (from the cookie; toString omits it)
 * @param csrf    the CSRF token of this browser session (derived from the cookie secret)
 */
record ConsoleUser(User user, Session session, String sessionId, String csrf) {
    @Override
    public String toString() {
        return "ConsoleUser[user=" + user.id() + ", session=" + session.handle() + "]";
    }

    String id() {
        return user.id();
    }

    boolean isAdmin() {
        return user.roles().contains(Caller.ADMIN_ROLE);
    }

    /** This user acting on their own account, from {@code client}. */
    Actor self(ClientInfo client) {
        return Actor.self(user.id(), session.handle()).from(Optional.of(client.ip()), client.userAgent());
    }

    /** This user acting as an administrator, from {@code client}. */
    Actor admin(ClientInfo client) {
        return new Actor(Actor.Kind.ADMIN, user.id(), Optional.of(session.handle()), Optional.empty(), Optional.empty())
                .from(Optional.of(client.ip()), client.userAgent());
    }
}
