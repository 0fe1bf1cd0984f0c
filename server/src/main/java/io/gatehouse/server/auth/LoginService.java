package io.gatehouse.server.auth;

import io.gatehouse.Gatehouse;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionLimitExceededException;
import io.gatehouse.session.SessionStore;
import io.gatehouse.token.RefreshLimit;
import io.gatehouse.token.RefreshLimitedException;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.gatehouse.user.AuthenticationResult;
import io.gatehouse.user.EmailAddress;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import io.gatehouse.user.UserService;
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
 * <p>Refresh: the {@code refresh-ip} limit (per client address), then the rotation (which authenticates
 * the token and counts the {@code refresh-family} limit for an authenticated token only), the user read for
 * the authenticated subject (suspended: refused; else the access token gets the current roles), then the
 * session of the new pair touched: an ended or expired session revokes the family and the new pair is not
 * handed out (expired sessions are not revoked by anyone, so this is where their refresh tokens stop). A
 * rotated token presented again revokes its family (the token service) and ends its session (here). The order
 * is explained in {@link #refresh}.
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
    private final RefreshLimit familyLimit;
    private final RatePolicy refreshIp;
    private final ReservedDecisions refreshIpLimit;
    private final boolean tokensOnRedis;

    /**
     * @param liveness         the sessions as refresh touches them: a round trip only when a last-seen write may be due
     * @param reservationBatch the most {@code refresh-ip} units taken from Redis at once ({@link AuthSettings#introspectBatch};
     *                         1 when rate limits are in memory)
     */
    public LoginService(
            Gatehouse gatehouse, SessionLiveness liveness, TokenVerificationMetrics metrics, long reservationBatch) {
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
        // Counted inside the rotation script (only for an authenticated token): its rate as a fixed window.
        this.familyLimit = new RefreshLimit(
                (int) Math.min(Integer.MAX_VALUE, refreshFamily.limit().count()),
                refreshFamily.limit().period());
        this.tokensOnRedis =
                gatehouse.stores().target(io.gatehouse.config.Purpose.TOKENS).isPresent();
        this.refreshIp = gatehouse.policies().policy(AuthSettings.REFRESH_IP);
        // In batches on Redis, like the introspect-client ceiling (one round trip per batch); in memory one by one.
        this.refreshIpLimit = new ReservedDecisions(limiter, refreshIp, reservationBatch, System::nanoTime);
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
    public record LoginRequest(
            String email,
            String password,
            ClientInfo client,
            Optional<String> fingerprint,
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
     * @param session          the session it belongs to (named by its handle, as the tokens' {@code sid})
     * @param sessionId        the secret session id, after a login only: for the console's cookie, never for
     *                         an API response (toString omits it)
     * @param expiresIn        seconds until the access token expires
     * @param rateLimitHeaders the {@code RateLimit*} headers of the limits it passed
     */
    public record Issued(
            TokenPair tokens,
            Session session,
            Optional<String> sessionId,
            long expiresIn,
            Map<String, String> rateLimitHeaders) {
        @Override
        public String toString() {
            return "Issued[session=" + session.handle() + ", expiresIn=" + expiresIn + "]";
        }
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
            if (rejected.reason() == AuthenticationResult.Reason.EMAIL_UNVERIFIED) {
                failure(client, account, "email_unverified");
                throw AuthFailure.of(AuthFailure.Kind.EMAIL_UNVERIFIED, AuthAnswers.EMAIL_UNVERIFIED);
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
        CreatedSession created;
        try {
            created = sessions.create(ns.build());
        } catch (SessionLimitExceededException e) {
            failure(client, account, "session_limit");
            throw AuthFailure.of(
                    AuthFailure.Kind.SESSION_LIMIT,
                    "this account has the most sessions allowed (" + e.limit() + "); log out on another device first");
        }
        Session session = created.session();
        // Tokens, events and the response name the session by its handle; the secret id goes only to the
        // console's cookie (Issued.sessionId).
        TokenPair pair = tokens.issue(new TokenRequest(
                user.id(), session.handle(), user.roles().stream().sorted().toList(), List.of()));
        profiles.put(user);
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.LOGIN_SUCCESS)
                .user(user.id())
                .session(session.handle())
                .ip(client.ip());
        client.userAgent().ifPresent(e::userAgent);
        session.deviceId().ifPresent(d -> e.detail("device", d));
        events.record(e);
        return new Issued(pair, session, Optional.of(created.id()), pair.expiresIn(clock.instant()), limits.headers());
    }

    /** Whether the client's fingerprint is a device the account trusts or has a live session on. */
    private boolean fromKnownDevice(LoginRequest request) {
        if (request.fingerprint().isEmpty()
                || request.email() == null
                || request.email().isBlank()) {
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
        return sessions.devices(user.get().id()).stream()
                .anyMatch(d -> d.deviceId().equals(device));
    }

    /**
     * Rotates a refresh token.
     *
     * @param client the caller's address: the {@code refresh-ip} limit's key
     * @throws AuthFailure {@code INVALID_REFRESH}, {@code REFRESH_REUSED}, {@code SUSPENDED} or {@code RATE_LIMITED}
     */
    public Issued refresh(String refreshToken, ClientInfo client) {
        // Nothing the token says keys shared state before the token is authenticated (security review #13,
        // item 5: forged tokens naming a victim's family used to spend the victim's limit):
        //   1. the refresh-ip limit, keyed by the caller's address (taken in batches, ReservedDecisions);
        //   2. the rotation (TokenService.refresh), which authenticates the token by its hash and counts the
        //      refresh-family limit inside the same script, for a matched token only; a forged or retired
        //      token changes nothing there and costs no database read and no signature check;
        //   3. the user, read for the authenticated subject: suspended or gone -> refused and the family
        //      revoked; else the new access token carries the user's current roles (item 8), not the login's;
        //   4. the session of the new pair touched: if it has ended or belongs to someone else, the pair is
        //      never handed out and its family is revoked (nobody revokes the tokens of a session that merely
        //      expired, so this is where they stop).
        Decision ip = refreshIpLimit.decide(client.ip());
        if (ip != null && !ip.allowed()) {
            throw AuthFailure.rateLimited(RateLimitResponse.of(refreshIp, ip, clock.instant()));
        }
        TokenPair pair;
        try {
            pair = tokens.refresh(refreshToken, familyLimit, this::currentClaims);
        } catch (RefreshLimitedException e) {
            // Decided by the rotation script (a fixed window per family), reported like any limiter refusal.
            Decision d = new Decision(
                    AuthSettings.REFRESH_FAMILY,
                    false,
                    e.limit().limit(),
                    0,
                    e.retryAfter(),
                    e.retryAfter(),
                    tokensOnRedis ? DecisionSource.REDIS : DecisionSource.MEMORY);
            throw AuthFailure.rateLimited(RateLimitResponse.of(refreshFamily, d, clock.instant()));
        } catch (TokenRejectedException e) {
            metrics.rejected(e.reason());
            if (e.reason() == RejectReason.REVOCATION_UNKNOWN) {
                // Not the client's fault: a 401 would make it throw away a refresh token that may be good.
                throw AuthFailure.of(AuthFailure.Kind.UNAVAILABLE, "the revocation state cannot be checked right now");
            }
            if (e.reason() == RejectReason.REFRESH_REUSED) {
                // The family is revoked by the token service; the session is compromised as well. Reuse is
                // only reported for an authenticated token, so its session handle is authentic.
                e.sessionId().ifPresent(sessions::endByHandle);
                throw AuthFailure.of(
                        AuthFailure.Kind.REFRESH_REUSED,
                        "this refresh token was already used; every" + " token of its session has been revoked");
            }
            throw AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, describe(e.reason()));
        }
        // From here the pair is authentic. Exact from memory while no last-seen write is due (SessionLiveness):
        // the rotation checked the local revocation state, where every ended session's tokens are revoked;
        // only expiry remains.
        Optional<Session> session = liveness.touch(pair.sessionId());
        if (session.isEmpty() || !session.get().userId().equals(pair.subject())) {
            metrics.sessionExpired();
            // Nobody revoked the tokens of a session that expired: do it, so the family (and the pair just
            // rotated, which is not handed out) is dead everywhere.
            tokens.revokeFamily(pair.familyId(), "session expired");
            throw AuthFailure.of(AuthFailure.Kind.INVALID_REFRESH, "the session of this refresh token has ended");
        }
        metrics.ok();
        Map<String, String> headers = ip == null
                ? Map.of()
                : RateLimitResponse.of(refreshIp, ip, clock.instant()).headers();
        return new Issued(pair, session.get(), Optional.empty(), pair.expiresIn(clock.instant()), headers);
    }

    /**
     * The claims of the access token a refresh mints, from the user as they are now: called by the token
     * service once the refresh token is authenticated (so a forged token never costs a database read).
     */
    private TokenRequest currentClaims(TokenRequest issued) {
        Optional<User> user = profiles.get(issued.subject());
        if (user.isEmpty() || !user.get().active()) {
            throw AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended");
        }
        return new TokenRequest(
                issued.subject(),
                issued.sessionId(),
                user.get().roles().stream().sorted().toList(),
                issued.permissions());
    }

    private void failure(ClientInfo client, String account, String reason) {
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.LOGIN_FAILURE)
                .ip(client.ip())
                .reason(reason)
                .detail("account", account);
        client.userAgent().ifPresent(e::userAgent);
        events.record(e);
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
            usable = c > ' '
                    && c != '{'
                    && c != '}'
                    && c != 0x7f
                    && !Character.isWhitespace(c)
                    && !Character.isISOControl(c);
        }
        if (usable) {
            return key;
        }
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
