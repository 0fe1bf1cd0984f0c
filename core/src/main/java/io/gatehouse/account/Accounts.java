package io.gatehouse.account;

import io.gatehouse.error.InvalidInputException;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.session.SessionStore;
import io.gatehouse.session.TrustedDevice;
import io.gatehouse.token.KeyRetirement;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.gatehouse.user.PasswordChange;
import io.gatehouse.user.UnknownUserException;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The account actions, each changing users, sessions, tokens and cached profiles together and recording
 * its security event once. Self-service actions record their own event types ({@code logout},
 * {@code logout_all}, {@code password_changed}); the same action taken by an administrator, a client or an
 * operator records {@code admin_action} with the action's name and the {@link Actor#label() actor}.
 *
 * <p>Sessions ended here revoke their tokens through the session store's listener (see
 * {@link io.gatehouse.Gatehouse}); "revoke a user" also writes the user's not-before, which catches
 * tokens of sessions that already expired. Not-before has millisecond precision and the token service
 * issues later tokens strictly after it, so a login right after one of these actions gets tokens that work.
 */
public final class Accounts {
    private final TokenService tokens;
    private final SessionStore sessions;
    private final Optional<UserService> users;
    private final UserProfiles profiles;
    private final LoginGuard guard;
    private final SecurityEvents events;
    private final Clock clock;

    /** Built by {@link io.gatehouse.Gatehouse}; {@code profiles} is null exactly when {@code users} is empty. */
    public Accounts(
            TokenService tokens,
            SessionStore sessions,
            Optional<UserService> users,
            UserProfiles profiles,
            LoginGuard guard,
            SecurityEvents events,
            Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.users = Objects.requireNonNull(users, "users");
        this.profiles = profiles;
        this.guard = Objects.requireNonNull(guard, "guard");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The user an operator means by {@code emailOrId}: an email address (contains '@') or a user id. */
    public Optional<User> find(String emailOrId) {
        UserService u = users();
        if (emailOrId.indexOf('@') >= 0) {
            return u.findByEmail(emailOrId);
        }
        return u.find(emailOrId);
    }

    /** Ends the session with handle {@code sessionHandle} of {@code userId}: the caller's own logout. */
    public void logout(String userId, String sessionHandle, Actor actor) {
        sessions.endByHandle(sessionHandle);
        dropProfile(userId);
        record(EventType.LOGOUT, "logout", userId, null, actor, Map.of());
    }

    /**
     * Ends one session of {@code userId}, named by its handle (as listed); a session of another user, or
     * text that is not a handle, is "not found" as if it did not exist.
     *
     * @return whether the session was live and of this user
     */
    public boolean endSession(String userId, String sessionHandle, Actor actor) {
        Optional<Session> s;
        try {
            s = sessions.getByHandle(sessionHandle);
        } catch (SessionInputException e) {
            return false;
        }
        if (s.isEmpty() || !s.get().userId().equals(userId) || !sessions.endByHandle(sessionHandle)) {
            return false;
        }
        boolean ownCurrent = actor.kind() == Actor.Kind.SELF
                && actor.session().filter(sessionHandle::equals).isPresent();
        if (ownCurrent) {
            record(EventType.LOGOUT, "logout", userId, null, actor, Map.of());
        } else if (actor.kind() != Actor.Kind.SELF) {
            record(EventType.ADMIN_ACTION, "end_user_session", userId, null, actor, Map.of());
        }
        return true;
    }

    /**
     * Ends every live session of {@code userId}, except the one with handle {@code except} when given (sign
     * out of all others).
     *
     * @return the handles of the sessions ended
     */
    public List<String> endSessions(String userId, Optional<String> except, Actor actor) {
        List<String> ended;
        if (except.isPresent()) {
            Optional<Session> keep;
            try {
                keep = sessions.getByHandle(except.get());
            } catch (SessionInputException e) {
                keep = Optional.empty();
            }
            if (keep.isEmpty() || !keep.get().userId().equals(userId)) {
                throw new InvalidInputException("the session to keep is not a live session of this user");
            }
            ended = sessions.endAllButHandle(except.get());
        } else {
            ended = sessions.endAll(userId);
            dropProfile(userId);
        }
        if (actor.kind() != Actor.Kind.SELF) {
            record(
                    EventType.ADMIN_ACTION,
                    "end_user_sessions",
                    userId,
                    null,
                    actor,
                    Map.of("sessions_ended", Integer.toString(ended.size())));
        }
        return ended;
    }

    /**
     * What revoking a user did.
     *
     * @param notBefore     every token of the user issued at or before this instant is refused
     * @param sessionsEnded how many live sessions were ended
     */
    public record Revoked(Instant notBefore, int sessionsEnded) {}

    /**
     * Ends every session of {@code userId} and revokes every token issued so far (not-before), including
     * tokens of sessions that already expired: the user's "log out everywhere", or an administrator's
     * "revoke this user's tokens".
     */
    public Revoked revokeUser(String userId, String reason, Actor actor) {
        Instant at = clock.instant();
        tokens.revokeUser(userId, reason);
        List<String> ended = sessions.endAll(userId);
        dropProfile(userId);
        Map<String, String> details = Map.of("sessions_ended", Integer.toString(ended.size()));
        if (actor.kind() == Actor.Kind.SELF) {
            record(
                    EventType.LOGOUT_ALL,
                    reason,
                    userId,
                    null,
                    actor,
                    Map.of("sessions", Integer.toString(ended.size())));
        } else {
            record(EventType.ADMIN_ACTION, "revoke_user_tokens", userId, reason, actor, details);
        }
        return new Revoked(at, ended.size());
    }

    /**
     * The result of a password change.
     *
     * @param user          the user after the change
     * @param changedAt     when the password changed (every earlier token of the user is revoked)
     * @param sessionsEnded how many other sessions were ended
     * @param tokens        a new pair for the session the change was made from
     */
    public record PasswordChanged(User user, Instant changedAt, int sessionsEnded, TokenPair tokens) {}

    /**
     * Changes the password of {@code userId} from its session with handle {@code sessionHandle}: every token of the user is
     * revoked (not-before), every other session ended, the cached profile dropped; that session stays and
     * gets a new token pair.
     *
     * @throws io.gatehouse.user.InvalidUserInputException wrong current password, or a new one against the policy
     */
    public PasswordChanged changePassword(
            String userId, String sessionHandle, String currentPassword, String newPassword, Actor actor) {
        PasswordChange change = users().changePassword(userId, currentPassword, newPassword);
        tokens.revokeUser(userId, "password changed");
        List<String> ended = sessions.endAllButHandle(sessionHandle);
        dropProfile(userId);
        record(
                EventType.PASSWORD_CHANGED,
                "password changed",
                userId,
                null,
                actor,
                Map.of("sessions_ended", Integer.toString(ended.size())));
        TokenPair pair = tokens.issue(new TokenRequest(
                userId, sessionHandle, change.user().roles().stream().sorted().toList(), List.of()));
        return new PasswordChanged(change.user(), change.changedAt(), ended.size(), pair);
    }

    /**
     * Sets a new password for {@code userId} with a mailed reset token (the caller has taken the token): every
     * session of the user ends and every token is revoked, since whoever asked for the reset may be the only one
     * who should still be logged in. Records {@code password_reset}.
     *
     * @param passwordChangedAt the password-change instant the token was bound to: if the password changed since,
     *                          the token is dead and nothing happens
     * @return the change, or empty when the user is gone or the password changed after the token was issued
     * @throws io.gatehouse.user.InvalidUserInputException a new password against the policy
     */
    public Optional<Revoked> resetPassword(String userId, String newPassword, Instant passwordChangedAt, Actor actor) {
        Optional<PasswordChange> change = users().resetPassword(userId, newPassword, passwordChangedAt);
        if (change.isEmpty()) {
            return Optional.empty();
        }
        tokens.revokeUser(userId, "password reset");
        List<String> ended = sessions.endAll(userId);
        dropProfile(userId);
        record(
                EventType.PASSWORD_RESET,
                "password reset",
                userId,
                null,
                actor,
                Map.of("sessions_ended", Integer.toString(ended.size())));
        return Optional.of(new Revoked(change.get().changedAt(), ended.size()));
    }

    /**
     * Marks the address of {@code userId} verified; records {@code email_verified} the first time.
     *
     * @return whether it was verified now (false: unknown user, or verified before)
     */
    public boolean verifyEmail(String userId, Actor actor) {
        boolean now = users().markEmailVerified(userId);
        if (now) {
            dropProfile(userId);
            record(EventType.EMAIL_VERIFIED, "email verified", userId, null, actor, Map.of());
        }
        return now;
    }

    /**
     * Suspends {@code userId}: logins are refused, every token is revoked and every session ended at once.
     *
     * @throws UnknownUserException when there is no such user
     */
    public Revoked suspend(String userId, String reason, Actor actor) {
        users().suspend(userId);
        tokens.revokeUser(userId, "suspended: " + reason);
        Instant at = clock.instant();
        List<String> ended = sessions.endAll(userId);
        dropProfile(userId);
        record(
                EventType.ADMIN_ACTION,
                "suspend_user",
                userId,
                reason,
                actor,
                Map.of("sessions_ended", Integer.toString(ended.size())));
        return new Revoked(at, ended.size());
    }

    /**
     * Lets a suspended user log in again (tokens revoked at suspension stay revoked).
     *
     * @throws UnknownUserException when there is no such user
     */
    public void reactivate(String userId, Actor actor) {
        users().reactivate(userId);
        dropProfile(userId);
        record(EventType.ADMIN_ACTION, "reactivate_user", userId, null, actor, Map.of());
    }

    /**
     * Replaces the roles of {@code userId}. Tokens carry roles, so when a role is taken away the user's
     * tokens are revoked (not-before): the next login or refresh carries the new roles.
     *
     * @throws UnknownUserException when there is no such user
     */
    public User setRoles(String userId, Set<String> roles, Actor actor) {
        UserService u = users();
        Set<String> before = u.find(userId)
                .orElseThrow(() -> new UnknownUserException(userId))
                .roles();
        User after = u.setRoles(userId, roles);
        boolean removed = !after.roles().containsAll(before);
        if (removed) {
            tokens.revokeUser(userId, "roles changed");
        }
        dropProfile(userId);
        record(
                EventType.ADMIN_ACTION,
                "set_roles",
                userId,
                null,
                actor,
                Map.of(
                        "roles",
                        String.join(" ", after.roles().stream().sorted().toList()),
                        "tokens_revoked",
                        Boolean.toString(removed)));
        return after;
    }

    /** Trusts a device of {@code userId} for the configured time (the session store records the event). */
    public TrustedDevice trustDevice(String userId, String deviceId, Actor actor) {
        TrustedDevice t = sessions.trustDevice(userId, deviceId);
        if (actor.kind() != Actor.Kind.SELF) {
            record(EventType.ADMIN_ACTION, "trust_device", userId, null, actor, Map.of("device", deviceId));
        }
        return t;
    }

    /** Withdraws trust from a device of {@code userId}; whether it was trusted. */
    public boolean untrustDevice(String userId, String deviceId, Actor actor) {
        boolean was;
        try {
            was = sessions.untrustDevice(userId, deviceId);
        } catch (SessionInputException e) {
            return false;
        }
        if (was && actor.kind() != Actor.Kind.SELF) {
            record(EventType.ADMIN_ACTION, "untrust_device", userId, null, actor, Map.of("device", deviceId));
        }
        return was;
    }

    /**
     * Lifts the lockouts of an account name and/or an address; at least one must be given.
     *
     * @throws InvalidInputException when neither is given, or one is malformed
     */
    public void unlock(Optional<String> account, Optional<String> ip, Actor actor) {
        if (account.isEmpty() && ip.isEmpty()) {
            throw new InvalidInputException("give an account, an ip, or both");
        }
        account.ifPresent(guard::unlockAccount);
        ip.ifPresent(guard::unlockIp);
        Map<String, String> details = new java.util.LinkedHashMap<>();
        account.ifPresent(a -> details.put("account", a));
        ip.ifPresent(i -> details.put("ip", i));
        record(EventType.ADMIN_ACTION, "unlock", null, null, actor, details);
    }

    /**
     * Makes a new token-signing key the active one ({@link TokenService#rotateKeys()}); the old keys keep
     * verifying until their tokens expire.
     *
     * @return the new key's id
     */
    public String rotateSigningKey(Actor actor) {
        String kid = tokens.rotateKeys();
        record(EventType.ADMIN_ACTION, "rotate_signing_key", null, null, actor, Map.of("kid", kid));
        return kid;
    }

    /**
     * Retires a signing key ({@link TokenService#retireKey}); the event is recorded when the key was
     * retired, with whether tokens it signed may still have been valid (then they stop working), not
     * when the retirement was refused (nothing changed).
     */
    public KeyRetirement retireSigningKey(String kid, boolean force, Actor actor) {
        KeyRetirement r = tokens.retireKey(kid, force);
        if (r.outcome() == KeyRetirement.Outcome.RETIRED) {
            Map<String, String> details = new java.util.LinkedHashMap<>();
            details.put("kid", kid);
            Instant now = clock.instant();
            details.put(
                    "tokens_may_be_valid",
                    Boolean.toString(r.lastExpiry().map(now::isBefore).orElse(false)));
            r.lastExpiry().ifPresent(t -> details.put("tokens_valid_until", t.toString()));
            record(EventType.ADMIN_ACTION, "retire_signing_key", null, null, actor, details);
        }
        return r;
    }

    private UserService users() {
        return users.orElseThrow(
                () -> new IllegalStateException("this Gatehouse was opened without the user database"));
    }

    private void dropProfile(String userId) {
        if (profiles != null) {
            profiles.drop(userId);
        }
    }

    private void record(
            EventType type, String action, String userId, String reason, Actor actor, Map<String, String> details) {
        SecurityEvent.Builder e = SecurityEvent.builder(type);
        if (type == EventType.ADMIN_ACTION) {
            e.reason(reason != null ? reason : action).detail("action", action).detail("actor", actor.label());
        } else if (reason != null && type != EventType.LOGOUT) {
            e.reason(reason);
        }
        e.details(details);
        if (userId != null) {
            e.user(userId);
        }
        actor.session().ifPresent(e::session);
        actor.ip().ifPresent(e::ip);
        actor.userAgent().ifPresent(e::userAgent);
        events.record(e);
    }
}
