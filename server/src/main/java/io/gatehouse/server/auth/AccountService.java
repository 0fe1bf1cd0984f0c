package io.gatehouse.server.auth;

import io.gatehouse.Gatehouse;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.Actor;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.session.Device;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionStore;
import io.gatehouse.session.TrustedDevice;
import io.gatehouse.token.TokenPair;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.UnknownUserException;
import io.gatehouse.user.UserProfiles;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a logged-in user does to their own account, through the core's {@link Accounts} (the same actions
 * the admin routes and the CLI call): log out (here or everywhere), change the password, end one of their
 * sessions, trust or untrust a device. Every method acts for the {@link Caller} only; this class only turns
 * the caller and the client into an {@link Actor}.
 */
public final class AccountService {
    private final Accounts accounts;
    private final SessionStore sessions;
    private final Clock clock;
    private final UserProfiles profiles;
    private final LoginGuard guard;
    private final RateLimiter limiter;
    private final RatePolicy accountFailures;

    public AccountService(Gatehouse gatehouse, Clock clock) {
        this.accounts = gatehouse.accounts();
        this.sessions = gatehouse.sessions();
        this.clock = clock;
        this.profiles = gatehouse.profiles();
        this.guard = gatehouse.loginGuard();
        this.limiter = gatehouse.rateLimiter();
        this.accountFailures = gatehouse.policies().policy(AuthSettings.LOGIN_ACCOUNT);
    }

    /** Ends the caller's session: its access and refresh tokens are revoked at once (session end → token service). */
    public void logout(Caller caller, ClientInfo client) {
        accounts.logout(caller.userId(), caller.sessionId(), actor(caller, client));
    }

    /**
     * Ends every session of the user and revokes every token issued so far (not-before), including tokens
     * of sessions that already expired. A login right after this gets tokens that work (no wait).
     *
     * @return how many sessions were ended
     */
    public int logoutAll(Caller caller, ClientInfo client) {
        return accounts.revokeUser(caller.userId(), "logout everywhere", actor(caller, client))
                .sessionsEnded();
    }

    /**
     * The result of a password change.
     *
     * @param tokens        a new pair for the caller's session (every earlier token of the user is revoked)
     * @param changedAt     when the password changed
     * @param sessionsEnded how many other sessions were ended
     * @param expiresIn     seconds until the new access token expires
     */
    public record PasswordChanged(TokenPair tokens, Instant changedAt, int sessionsEnded, long expiresIn) {}

    /**
     * Changes the caller's password: every token of the user is revoked (not-before), every other session
     * ended, the cached profile dropped, {@code password_changed} recorded; the caller's session stays and
     * gets a new token pair.
     *
     * <p>A wrong current password counts as a failed login of the account (the {@link LoginGuard} lockout and
     * the {@code login-account} failure budget), so a stolen access token is not a free password oracle; a
     * locked-out address is refused before any hashing.
     *
     * @throws io.gatehouse.user.InvalidUserInputException wrong current password, or a new one against the policy
     */
    public PasswordChanged changePassword(
            Caller caller, ClientInfo client, String currentPassword, String newPassword) {
        String account = profiles.get(caller.userId())
                .map(u -> LoginService.accountSubject(u.email()))
                .orElseThrow(() -> new UnknownUserException(caller.userId()));
        LockoutStatus lockout = guard.check(client.limitKey(), account);
        if (lockout.locked()) {
            throw AuthAnswers.rateLimited(RateLimitResponse.lockedOut(lockout));
        }
        Accounts.PasswordChanged c;
        try {
            c = accounts.changePassword(
                    caller.userId(), caller.sessionId(), currentPassword, newPassword, actor(caller, client));
        } catch (InvalidUserInputException e) {
            if (e.errors().stream().anyMatch(f -> f.field().equals("current_password"))) {
                guard.failure(client.limitKey(), account);
                limiter.decide(accountFailures, account);
            }
            throw e;
        }
        return new PasswordChanged(
                c.tokens(), c.changedAt(), c.sessionsEnded(), c.tokens().expiresIn(clock.instant()));
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
        return accounts.endSession(caller.userId(), sessionId, actor(caller, client));
    }

    /** The caller's devices (live sessions grouped by device) and trusted devices. */
    public List<Device> devices(Caller caller) {
        return sessions.devices(caller.userId());
    }

    /** Trusts the device of the caller's session; empty when the session has no device id. */
    public Optional<TrustedDevice> trustCurrentDevice(Caller caller) {
        return caller.session()
                .deviceId()
                .map(d -> accounts.trustDevice(caller.userId(), d, Actor.self(caller.userId(), caller.sessionId())));
    }

    /** Withdraws trust from one of the caller's devices; whether it was trusted. */
    public boolean untrustDevice(Caller caller, String deviceId) {
        return accounts.untrustDevice(caller.userId(), deviceId, Actor.self(caller.userId(), caller.sessionId()));
    }

    private static Actor actor(Caller caller, ClientInfo client) {
        return Actor.self(caller.userId(), caller.sessionId()).from(Optional.of(client.ip()), client.userAgent());
    }
}
