package io.gatehouse.server.auth;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.server.Services;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.server.user.InvalidUserInputException;
import io.gatehouse.server.user.PasswordChange;
import io.gatehouse.server.user.UnknownUserException;
import io.gatehouse.server.user.UserService;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.session.SessionStore;
import io.gatehouse.session.TrustedDevice;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a logged-in user does to their own account: log out (here or everywhere), change the password,
 * end one of their sessions, trust or untrust a device. Every method acts for the {@link Caller} only.
 *
 * <p>Why some answers wait for the next second: "revoke every token of the user" is a not-before instant
 * with one-second precision (tokens carry {@code iat} in whole seconds), so a token issued in the same
 * second as the revocation is revoked too. Logout-all and password change therefore return only once the
 * clock has passed into the next second, so a login (or the new pair of a password change) that follows
 * the answer is never caught by the revocation it just caused. The wait is under a second, on a virtual
 * thread, for rare requests.
 */
public final class AccountService {
    private final UserService users;
    private final UserProfiles profiles;
    private final TokenService tokens;
    private final SessionStore sessions;
    private final SecurityEvents events;
    private final Clock clock;
    private final LoginGuard guard;
    private final RateLimiter limiter;
    private final RatePolicy accountFailures;

    public AccountService(Services services, UserService users, UserProfiles profiles) {
        this.users = users;
        this.profiles = profiles;
        this.guard = services.loginGuard();
        this.limiter = services.limiter();
        this.accountFailures = services.policies().policy(AuthSettings.LOGIN_ACCOUNT);
        this.tokens = services.tokens();
        this.sessions = services.sessions();
        this.events = services.events();
        this.clock = services.clock();
    }

    /** Ends the caller's session: its access and refresh tokens are revoked at once (session end → token service). */
    public void logout(Caller caller, ClientInfo client) {
        sessions.end(caller.sessionId());
        profiles.drop(caller.userId());
        events.record(event(EventType.LOGOUT, caller, client).build());
    }

    /**
     * Ends every session of the user and revokes every token issued so far (not-before), including tokens
     * of sessions that already expired.
     *
     * @return how many sessions were ended
     */
    public int logoutAll(Caller caller, ClientInfo client) {
        List<String> ended = sessions.endAll(caller.userId());
        tokens.revokeUser(caller.userId(), "logout everywhere");
        profiles.drop(caller.userId());
        events.record(event(EventType.LOGOUT_ALL, caller, client).detail("sessions", Integer.toString(ended.size())).build());
        awaitNextSecond();
        return ended.size();
    }

    /**
     * The result of a password change.
     *
     * @param tokens        a new pair for the caller's session (every earlier token of the user is revoked)
     * @param changedAt     when the password changed
     * @param sessionsEnded how many other sessions were ended
     * @param expiresIn     seconds until the new access token expires
     */
    public record PasswordChanged(TokenPair tokens, Instant changedAt, int sessionsEnded, long expiresIn) {
    }

    /**
     * Changes the caller's password: every token of the user is revoked (not-before), every other session
     * ended, the cached profile dropped, {@code password_changed} recorded; the caller's session stays and
     * gets a new token pair.
     *
     * <p>A wrong current password counts as a failed login of the account (the {@link LoginGuard} lockout and
     * the {@code login-account} failure budget), so a stolen access token is not a free password oracle; a
     * locked-out address is refused before any hashing.
     *
     * @throws io.gatehouse.server.user.InvalidUserInputException wrong current password, or a new one against the policy
     */
    public PasswordChanged changePassword(Caller caller, ClientInfo client, String currentPassword, String newPassword) {
        String account = profiles.get(caller.userId()).map(u -> LoginService.accountSubject(u.email()))
                .orElseThrow(() -> new UnknownUserException(caller.userId()));
        LockoutStatus lockout = guard.check(client.limitKey(), account);
        if (lockout.locked()) {
            throw AuthAnswers.rateLimited(RateLimitResponse.lockedOut(lockout));
        }
        PasswordChange change;
        try {
            change = users.changePassword(caller.userId(), currentPassword, newPassword);
        } catch (InvalidUserInputException e) {
            if (e.errors().stream().anyMatch(f -> f.field().equals("current_password"))) {
                guard.failure(client.limitKey(), account);
                limiter.decide(accountFailures, account);
            }
            throw e;
        }
        tokens.revokeUser(caller.userId(), "password changed");
        List<String> ended = sessions.endAllBut(caller.sessionId());
        profiles.drop(caller.userId());
        events.record(event(EventType.PASSWORD_CHANGED, caller, client)
                .detail("sessions_ended", Integer.toString(ended.size())).build());
        awaitNextSecond();
        TokenPair pair = tokens.issue(new TokenRequest(caller.userId(), caller.sessionId(),
                change.user().roles().stream().sorted().toList(), List.of()));
        return new PasswordChanged(pair, change.changedAt(), ended.size(), pair.expiresIn(clock.instant()));
    }

    /** The caller's live sessions, most recently seen first. */
    public List<Session> sessions(Caller caller) {
        return sessions.list(caller.userId());
    }

    /**
     * Ends one of the caller's own sessions.
     *
     * @return false when there is no such session of the caller (someone else's is "not found" too)
     */
    public boolean endSession(Caller caller, ClientInfo client, String sessionId) {
        Optional<Session> s;
        try {
            s = sessions.get(sessionId);
        } catch (SessionInputException e) {
            return false;
        }
        if (s.isEmpty() || !s.get().userId().equals(caller.userId())) {
            return false;
        }
        boolean ended = sessions.end(sessionId);
        if (ended && sessionId.equals(caller.sessionId())) {
            events.record(event(EventType.LOGOUT, caller, client).build());
        }
        return ended;
    }

    /** The caller's devices (live sessions grouped by device) and trusted devices. */
    public List<io.gatehouse.session.Device> devices(Caller caller) {
        return sessions.devices(caller.userId());
    }

    /** Trusts the device of the caller's session; empty when the session has no device id. */
    public Optional<TrustedDevice> trustCurrentDevice(Caller caller) {
        return caller.session().deviceId().map(d -> sessions.trustDevice(caller.userId(), d));
    }

    /** Withdraws trust from one of the caller's devices; whether it was trusted. */
    public boolean untrustDevice(Caller caller, String deviceId) {
        try {
            return sessions.untrustDevice(caller.userId(), deviceId);
        } catch (SessionInputException e) {
            return false;
        }
    }

    private static SecurityEvent.Builder event(EventType type, Caller caller, ClientInfo client) {
        SecurityEvent.Builder e = SecurityEvent.builder(type).user(caller.userId()).session(caller.sessionId())
                .ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        return e;
    }

    private void awaitNextSecond() {
        long wait = 1000 - Math.floorMod(clock.millis(), 1000L) + 1;
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
