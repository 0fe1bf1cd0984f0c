package io.gatehouse.server.auth;

import io.gatehouse.user.UserProfiles;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.Gatehouse;
import io.gatehouse.user.AuthenticationResult;
import io.gatehouse.user.EmailAddress;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionLimitExceededException;
import io.gatehouse.session.SessionStore;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.UnverifiedRefresh;
import io.gatehouse.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flows that hand out tokens: login (password) and refresh. Both the JSON API and the OAuth token
 * endpoint call these, so the two entrances cannot drift apart.
 *
 * <p>Login, in this order, each step refusing before the next costs anything:
 * <ol>
 *   <li>the rate limit {@code login-ip} (every attempt per client address, an IPv6 /64 as one);</li>
 *   <li>the {@link LoginGuard} lockout (same answer whether the account exists), checked before anything
 *       of the account is spent;</li>
 *   <li>the account-wide failure budget {@code login-account}: spent by wrong passwords only, never by a
 *       successful login. While it is exhausted, attempts are refused before the password is checked,
 *       except from a device known to the account (a trusted device, or the device of one of its live
 *       sessions, by the client's fingerprint): an attacker guessing from elsewhere cannot lock the owner
 *       out of the devices they use;</li>
 *   <li>the password (one Argon2id verification, also for unknown emails: same time);</li>
 *   <li>a session with the client's address, user agent and device, then an access/refresh pair for it;</li>
 *   <li>the profile cached, {@code login_success} recorded (or {@code login_failure}, and a guard failure).</li>
 * </ol>
 *
 * <p>Refresh: the {@code refresh-family} limit (keyed by the family the token claims), the user still
 * active, then rotation (which authenticates the token), then the session of the new pair touched: an ended
 * or expired session revokes the family and the new pair is not handed out (expired sessions are not
 * revoked by anyone, so this is where their refresh tokens stop). A rotated token presented again revokes
 * its family (the token service) and ends its session (here). The order is explained in {@link #refresh}.
 */
public final class LoginService {
    private final UserService users;
    private final UserProfiles profiles;
    private final TokenService tokens;
    private final SessionStore sessions;
    private final SessionLiveness liveness;
    private final RateLimiter limiter;
    private final LoginGuard guard;
    private final SecurityEvents events;
    private final TokenVerificationMetrics metrics;
    private final Clock clock;
    private final RatePolicy loginIp;
    private final RatePolicy loginAccount;
    private final RatePolicy refreshFamily;

    /** @param liveness the sessions as refresh touches them: a round trip only when a last-seen write may be due */
    public LoginService(Gatehouse gatehouse, SessionLiveness liveness, TokenVerificationMetrics metrics) {
        this.users = gatehouse.users();
        this.liveness = liveness;
        this.profiles = gatehouse.profiles();
        this.tokens = gatehouse.tokens();
        this.sessions = gatehouse.sessions();
        this.limiter = gatehouse.rateLimiter();
        this.guard = gatehouse.loginGuard();
        this.events = gatehouse.events();
        this.metrics = metrics;
        this.clock = gatehouse.clock();
        this.loginIp = gatehouse.policies().policy(AuthSettings.LOGIN_IP);
        this.loginAccount = gatehouse.policies().policy(AuthSettings.LOGIN_ACCOUNT);
        this.refreshFamily = gatehouse.policies().policy(AuthSettings.REFRESH_FAMILY);
    }

    /**
     * A login attempt.
     *
     * @param email       as typed
     * @param password    as typed
     * @param client      the client's address and user agent
     * @param fingerprint a stable device identifier from the client, if it sends one (stored only hashed)
     * @param deviceName  a display name for the device ("Ann's laptop"), if given
     */
    public record LoginRequest(String email, String password, ClientInfo client, Optional<String> fingerprint,
                               Optional<String> deviceName) {
        @Override
        public String toString() {
            return "LoginRequest[client=" + client + "]";
        }
    }

    /**
     * A successful login or refresh.
     *
     * @param tokens           the new pair
     * @param session          the session it belongs to
     * @param expiresIn        seconds until the access token expires
     * @param rateLimitHeaders the {@code RateLimit*} headers of the limits it passed
     */
    public record Issued(TokenPair tokens, Session session, long expiresIn, Map<String, String> rateLimitHeaders) {
    }

    /**
     * Logs a user in.
     *
     * @throws AuthFailure {@code RATE_LIMITED}, {@code INVALID_CREDENTIALS}, {@code SUSPENDED} or {@code SESSION_LIMIT}
     */
    public Issued login(LoginRequest request) {
        return login(request, Map.of());
    }

    /**
     * A login whose session carries {@code sessionAttributes} besides the device name (the web console keeps
     * the hash of its cookie secret there, so any instance can check the cookie).
     *
     * @throws AuthFailure as {@link #login(LoginRequest)}
     */
    public Issued login(LoginRequest request, Map<String, String> sessionAttributes) {
        ClientInfo client = request.client();
        String ipKey = client.limitKey();
        String account = accountSubject(request.email());
        var perIp = limiter.decide(loginIp, ipKey);
        RateLimitResponse limits = RateLimitResponse.of(loginIp, perIp, clock.instant());
        if (!perIp.allowed()) {
            throw AuthFailure.rateLimited(limits);
        }
        LockoutStatus lockout = guard.check(ipKey, account);
        if (lockout.locked()) {
            failure(client, account, "locked_out");
            throw AuthFailure.rateLimited(RateLimitResponse.lockedOut(lockout));
        }
        var budget = limiter.peek(loginAccount, account);
        if (!budget.allowed() && !fromKnownDevice(request)) {
            failure(client, account, "account_throttled");
            throw AuthFailure.rateLimited(RateLimitResponse.of(loginAccount, budget, clock.instant()));
        }
        AuthenticationResult result = users.authenticate(request.email(), request.password());
        if (result instanceof AuthenticationResult.Rejected rejected) {
            if (rejected.reason() == AuthenticationResult.Reason.SUSPENDED) {
                failure(client, account, "suspended");
                throw AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended");
            }
            guard.failure(ipKey, account);
            limiter.decide(loginAccount, account);
            failure(client, account, "bad_credentials");
            throw AuthFailure.of(AuthFailure.Kind.INVALID_CREDENTIALS, "the email or the password is not correct");
        }
        User user = ((AuthenticationResult.Authenticated) result).user();
        guard.success(ipKey, account);
        NewSession.Builder ns = NewSession.forUser(user.id()).ip(client.ip());
        client.userAgent().ifPresent(ns::userAgent);
        request.fingerprint().ifPresent(ns::fingerprint);
        request.deviceName().ifPresent(n -> ns.attribute("device_name", n));
        ns.attributes(sessionAttributes);
        Session session;
        try {
            session = sessions.create(ns.build());
        } catch (SessionLimitExceededException e) {
            failure(client, account, "session_limit");
            throw AuthFailure.of(AuthFailure.Kind.SESSION_LIMIT, "this account has the most sessions allowed ("
                    + e.limit() + "); log out on another device first");
        }
        TokenPair pair = tokens.issue(new TokenRequest(user.id(), session.id(), user.roles().stream().sorted().toList(),
                List.of()));
        profiles.put(user);
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.LOGIN_SUCCESS).user(user.id()).session(session.id())
                .ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        session.deviceId().ifPresent(d -> e.detail("device", d));
        events.record(e.build());
        return new Issued(pair, session, pair.expiresIn(clock.instant()), limits.headers());
    }

    /** Whether the client's fingerprint is a device the account trusts or has a live session on. */
    private boolean fromKnownDevice(LoginRequest request) {
        if (request.fingerprint().isEmpty() || request.email() == null || request.email().isBlank()) {
            return false;
        }
        Optional<User> user = users.findByEmail(request.email());
        if (user.isEmpty()) {
            return false;
        }
        String fingerprint = request.fingerprint().get();
        if (sessions.isTrusted(user.get().id(), fingerprint)) {
            return true;
        }
        String device = sessions.deviceId(fingerprint);
        return sessions.devices(user.get().id()).stream().anyMatch(d -> d.deviceId().equals(device));
    }

    /**
     * Rotates a refresh token.
     *
     * @throws AuthFailure {@code INVALID_REFRESH}, {@code REFRESH_REUSED}, {@code SUSPENDED} or {@code RATE_LIMITED}
     */
    public Issued refresh(String refreshToken) {
        // The order is chosen so that the one full signature check is the token service's (it skips it when
        // the token's SHA-256 matches a hash it stored, see docs/TOKENS.md) and nothing that changes state is
        // keyed by unauthenticated input, except the rate-limit counter of a family id, which only the
        // token's holder knows:
        //   1. read the claims without the signature (a parse), only to pick the rate-limit key;
        //   2. the refresh-family limit;
        //   3. the user still active (a read; a local hit of the users near cache). Before the rotation, so a
        //      suspended user's refresh token is not used up; a refusal is said only of an authenticated token;
        //   4. the rotation: authenticates the token (hash match or signature) and checks revocation;
        //   5. the session of the rotated pair touched: if it has ended or belongs to someone else, the new
        //      pair is never handed out and its family is revoked (nobody revokes the tokens of a session that
        //      merely expired, so this is where they stop).
        Optional<UnverifiedRefresh> claimed = tokens.peekRefresh(refreshToken);
        if (claimed.isEmpty()) {
            throw invalidRefresh(refreshToken);
        }
        UnverifiedRefresh peek = claimed.get();
        var decision = limiter.decide(refreshFamily, peek.familyId());
        RateLimitResponse limits = RateLimitResponse.of(refreshFamily, decision, clock.instant());
        if (!decision.allowed()) {
            throw AuthFailure.rateLimited(limits);
        }
        Optional<User> user = profiles.get(peek.subject());
        if (user.isEmpty() || !user.get().active()) {
            // Only a token we signed may learn that its user is suspended (or gone).
            authenticate(refreshToken);
            throw AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended");
        }
        TokenPair pair;
        try {
            pair = tokens.refresh(refreshToken);
        } catch (TokenRejectedException e) {
            metrics.rejected(e.reason());
            if (e.reason() == RejectReason.REVOCATION_UNKNOWN) {
                // Not the client's fault: a 401 would make it throw away a refresh token that may be good.
                throw AuthFailure.of(AuthFailure.Kind.UNAVAILABLE, "the revocation state cannot be checked right now");
            }
            if (e.reason() == RejectReason.REFRESH_REUSED) {
                // The family is revoked by the token service; the session is compromised as well. Reuse is
                // only reported for a token whose signature was verified, so its session id is authentic.
                sessions.end(peek.sessionId());
                throw AuthFailure.of(AuthFailure.Kind.REFRESH_REUSED, "this refresh token was already used; every"
                        + " token of its session has been revoked");
            }
            throw AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, describe(e.reason()));
        }
        // From here the claims are authentic: the rotation matched the token or verified its signature.
        // Exact from memory while no last-seen write is due (SessionLiveness): the rotation checked the local
        // revocation state, where every ended session's tokens are revoked; only expiry remains.
        Optional<Session> session = liveness.touch(pair.sessionId());
        if (session.isEmpty() || !session.get().userId().equals(peek.subject())) {
            metrics.sessionExpired();
            // Nobody revoked the tokens of a session that expired: do it, so the family (and the pair just
            // rotated, which is not handed out) is dead everywhere.
            tokens.revokeFamily(pair.familyId(), "session expired");
            throw AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, "the session of this refresh token has ended");
        }
        metrics.ok();
        return new Issued(pair, session.get(), pair.expiresIn(clock.instant()), limits.headers());
    }

    /** The full verification of a refresh token (signature and claims); throws its refusal as an AuthFailure. */
    private VerifiedToken authenticate(String refreshToken) {
        try {
            return tokens.verifyRefresh(refreshToken);
        } catch (TokenRejectedException e) {
            metrics.rejected(e.reason());
            throw AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, describe(e.reason()));
        }
    }

    /** The refusal of a token that does not even parse as one of ours: the verification names the reason. */
    private AuthFailure invalidRefresh(String refreshToken) {
        authenticate(refreshToken);
        // Unreachable in practice (the peek checks a subset of what the verification checks), but never a pass.
        metrics.rejected(RejectReason.MALFORMED);
        return AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, describe(RejectReason.MALFORMED));
    }

    private void failure(ClientInfo client, String account, String reason) {
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.LOGIN_FAILURE).ip(client.ip()).reason(reason)
                .detail("account", account);
        client.userAgent().ifPresent(e::userAgent);
        events.record(e.build());
    }

    private static String describe(RejectReason reason) {
        return switch (reason) {
            case EXPIRED -> "the refresh token has expired";
            case REVOKED_TOKEN, REVOKED_SESSION, REVOKED_FAMILY, REVOKED_USER -> "the refresh token has been revoked";
            case REFRESH_UNKNOWN -> "the refresh token is not known (its login has ended)";
            default -> "the refresh token is not valid";
        };
    }

    /**
     * The subject an account name is rate-limited and locked out under: the email's uniqueness key
     * ({@link EmailAddress#key}, so {@code Ann@Example.com} and {@code ann@example.com} count together),
     * or {@code sha256:<hex>} of it when it could not be part of a Redis key (whitespace, braces, too long).
     * Administrators unlock an account by this value.
     */
    public static String accountSubject(String email) {
        String key = EmailAddress.key(email == null ? "" : email.strip());
        boolean usable = !key.isEmpty() && key.length() <= 200;
        for (int i = 0; usable && i < key.length(); i++) {
            char c = key.charAt(i);
            usable = c > ' ' && c != '{' && c != '}' && c != 0x7f && !Character.isWhitespace(c) && !Character.isISOControl(c);
        }
        if (usable) {
            return key;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
