package io.gatehouse.server.auth;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.mfa.Challenge;
import io.gatehouse.mfa.SecondFactors;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.DecisionSource;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
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
import java.util.HashMap;
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
    private final SecondFactors secondFactors;
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
     * @param tokensOnRedis    whether the refresh families are in Redis (how a refresh-family refusal is reported)
     * @param liveness         the sessions as refresh touches them: a round trip only when a last-seen write may be due
     * @param reservationBatch the most {@code refresh-ip} units taken from Redis at once ({@link AuthSettings#introspectBatch};
     *                         1 when rate limits are in memory)
     */
    public LoginService(
            UserService users,
            UserProfiles profiles,
            TokenService tokens,
            boolean tokensOnRedis,
            SessionStore sessions,
            SecondFactors secondFactors,
            RateLimiter limiter,
            RatePolicies policies,
            LoginGuard guard,
            SecurityEvents events,
            SessionLiveness liveness,
            TokenVerificationMetrics metrics,
            Clock clock,
            long reservationBatch) {
        this.users = users;
        this.liveness = liveness;
        this.profiles = profiles;
        this.tokens = tokens;
        this.sessions = sessions;
        this.secondFactors = secondFactors;
        this.limiter = limiter;
        this.guard = guard;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.loginIp = policies.policy(AuthSettings.LOGIN_IP);
        this.loginAccount = policies.policy(AuthSettings.LOGIN_ACCOUNT);
        this.refreshFamily = policies.policy(AuthSettings.REFRESH_FAMILY);
        // Counted inside the rotation script (only for an authenticated token): its rate as a fixed window.
        this.familyLimit = new RefreshLimit(
                (int) Math.min(Integer.MAX_VALUE, refreshFamily.limit().count()),
                refreshFamily.limit().period());
        this.tokensOnRedis = tokensOnRedis;
        this.refreshIp = policies.policy(AuthSettings.REFRESH_IP);
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
     * @param trustedUntil     when the login trusted its device (login/mfa with {@code trust_device}): until when
     */
    public record Issued(
            TokenPair tokens,
            Session session,
            Optional<String> sessionId,
            long expiresIn,
            Map<String, String> rateLimitHeaders,
            Optional<java.time.Instant> trustedUntil) {
        public Issued(
                TokenPair tokens,
                Session session,
                Optional<String> sessionId,
                long expiresIn,
                Map<String, String> rateLimitHeaders) {
            this(tokens, session, sessionId, expiresIn, rateLimitHeaders, Optional.empty());
        }

        @Override
        public String toString() {
            return "Issued[session=" + session.handle() + ", expiresIn=" + expiresIn + "]";
        }
    }

    /**
     * The second step of a login that answered {@link AuthFailure.Kind#MFA_REQUIRED}.
     *
     * @param challenge    the challenge id the login answered
     * @param code         a TOTP code, or
     * @param recoveryCode a recovery code (exactly one of the two)
     * @param trustDevice  whether to trust the login's device for {@code gatehouse.sessions.trusted-device-ttl}, so
     *                     its next logins skip the second factor (needs a device fingerprint at login)
     * @param client       the client's address and user agent
     */
    public record MfaRequest(
            String challenge,
            Optional<String> code,
            Optional<String> recoveryCode,
            boolean trustDevice,
            ClientInfo client) {
        @Override
        public String toString() {
            return "MfaRequest[client=" + client + "]";
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
        // A second factor is asked for unless the client is a device the user trusts (by its fingerprint).
        if (secondFactors.enabled(user.id())
                && !(request.fingerprint().isPresent()
                        && sessions.isTrusted(user.id(), request.fingerprint().get()))) {
            Map<String, String> context = new HashMap<>();
            context.put("account", account);
            context.put("ip", client.ip());
            client.userAgent().ifPresent(ua -> context.put("ua", ua));
            request.fingerprint().ifPresent(f -> context.put("fingerprint", f));
            request.deviceName().ifPresent(n -> context.put("device_name", n));
            sessionAttributes.forEach((k, v) -> context.put("attr." + k, v));
            Challenge.Opened challenge = secondFactors.openChallenge(user.id(), context);
            throw AuthFailure.mfaRequired(challenge);
        }
        Issued issued = issue(
                user, client, request.fingerprint(), request.deviceName(), sessionAttributes, List.of("pwd"), account);
        return new Issued(issued.tokens(), issued.session(), issued.sessionId(), issued.expiresIn(), limits.headers());
    }

    /**
     * Completes a login that waits for its second factor: the challenge counts the attempt first (at most
     * {@code gatehouse.mfa.max-attempts} codes are ever checked against it), then the code is checked (a TOTP code
     * once only, on every instance; a recovery code once only). A wrong code is a failed login for the lockout; the
     * last allowed wrong code locks the challenge. A right one ends the challenge (one winner under races) and
     * issues tokens with {@code amr} {@code pwd} and {@code otp} (or {@code mfa} for a recovery code).
     *
     * @throws AuthFailure {@code RATE_LIMITED}, {@code INVALID_MFA_CODE}, {@code INVALID_MFA_CHALLENGE},
     *     {@code SUSPENDED} or {@code SESSION_LIMIT}
     */
    public Issued completeMfa(MfaRequest request) {
        return completeMfa(request, Map.of());
    }

    /**
     * As {@link #completeMfa(MfaRequest)}, the session carrying {@code sessionAttributes} over those the login
     * gave the challenge (the web console's sign-in issues its cookie secret at this step).
     */
    public Issued completeMfa(MfaRequest request, Map<String, String> sessionAttributes) {
        ClientInfo client = request.client();
        String ipKey = client.limitKey();
        var perIp = limiter.decide(loginIp, ipKey);
        RateLimitResponse limits = RateLimitResponse.of(loginIp, perIp, clock.instant());
        if (!perIp.allowed()) {
            throw AuthFailure.rateLimited(limits);
        }
        Challenge.Attempt attempt = secondFactors
                .attempt(request.challenge())
                .orElseThrow(() -> AuthFailure.of(
                        AuthFailure.Kind.INVALID_MFA_CHALLENGE,
                        "the challenge is unknown, expired, used or locked: log in again"));
        Map<String, String> context = attempt.context();
        String account = context.getOrDefault("account", attempt.userId());
        LockoutStatus lockout = guard.check(ipKey, account);
        if (lockout.locked()) {
            failure(client, account, "locked_out");
            throw AuthFailure.rateLimited(RateLimitResponse.lockedOut(lockout));
        }
        boolean recovery = request.code().isEmpty();
        boolean right = recovery
                ? secondFactors.useRecoveryCode(
                        attempt.userId(), request.recoveryCode().orElse(""))
                : secondFactors.verifyTotp(attempt.userId(), request.code().get());
        if (!right) {
            guard.failure(ipKey, account);
            failure(client, account, "bad_second_factor");
            if (attempt.remaining() <= 0) {
                secondFactors.discard(request.challenge());
                throw AuthFailure.of(
                        AuthFailure.Kind.INVALID_MFA_CHALLENGE,
                        "too many wrong codes: this challenge is locked; log in again");
            }
            throw AuthFailure.invalidMfaCode(attempt.remaining());
        }
        if (!secondFactors.complete(request.challenge())) {
            throw AuthFailure.of(AuthFailure.Kind.INVALID_MFA_CHALLENGE, "this challenge was already completed");
        }
        guard.success(ipKey, account);
        User user = profiles.get(attempt.userId())
                .filter(User::active)
                .orElseThrow(() -> AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended"));
        Map<String, String> attributes = new HashMap<>();
        context.forEach((k, v) -> {
            if (k.startsWith("attr.")) {
                attributes.put(k.substring(5), v);
            }
        });
        attributes.putAll(sessionAttributes);
        Optional<String> fingerprint = Optional.ofNullable(context.get("fingerprint"));
        Issued issued = issue(
                user,
                client,
                fingerprint,
                Optional.ofNullable(context.get("device_name")),
                attributes,
                List.of("pwd", recovery ? "mfa" : "otp"),
                account);
        Optional<java.time.Instant> trustedUntil = Optional.empty();
        if (request.trustDevice() && fingerprint.isPresent()) {
            trustedUntil = Optional.of(sessions.trustDevice(user.id(), sessions.deviceId(fingerprint.get()))
                    .trustedUntil());
        }
        return new Issued(
                issued.tokens(),
                issued.session(),
                issued.sessionId(),
                issued.expiresIn(),
                limits.headers(),
                trustedUntil);
    }

    /** A session for the user's client and device, then tokens saying how the user authenticated. */
    private Issued issue(
            User user,
            ClientInfo client,
            Optional<String> fingerprint,
            Optional<String> deviceName,
            Map<String, String> sessionAttributes,
            List<String> amr,
            String account) {
        NewSession.Builder ns = NewSession.forUser(user.id()).ip(client.ip());
        client.userAgent().ifPresent(ns::userAgent);
        fingerprint.ifPresent(ns::fingerprint);
        deviceName.ifPresent(n -> ns.attribute("device_name", n));
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
                        user.id(),
                        session.handle(),
                        user.roles().stream().sorted().toList(),
                        List.of())
                .authenticated(amr, clock.instant()));
        profiles.put(user);
        SecurityEvent.Builder e = SecurityEvent.builder(EventType.LOGIN_SUCCESS)
                .user(user.id())
                .session(session.handle())
                .ip(client.ip())
                .detail("amr", String.join(" ", amr));
        client.userAgent().ifPresent(e::userAgent);
        session.deviceId().ifPresent(d -> e.detail("device", d));
        events.record(e);
        return new Issued(pair, session, Optional.of(created.id()), pair.expiresIn(clock.instant()), Map.of());
    }

    /**
     * Checks the user's password (and second factor, when they have one) again, and issues a new pair for the
     * caller's session with a fresh {@code auth_time}: step-up ({@link StepUp}). The caller's old refresh family
     * is revoked. A wrong password or code counts as a failed login of the account ({@link #confirmIdentity}).
     *
     * @throws AuthFailure {@code INVALID_CREDENTIALS} (wrong password or code, or a code missing), {@code
     *     EMAIL_UNVERIFIED} (with {@code gatehouse.users.require-verified-email}, as at login), {@code RATE_LIMITED}
     */
    public Issued reauthenticate(Caller caller, ClientInfo client, String password, Optional<String> code) {
        User user = profiles.get(caller.userId())
                .filter(User::active)
                .orElseThrow(() -> AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended"));
        List<String> amr = confirmIdentity(user, client, password, code);
        TokenPair pair = tokens.issue(new TokenRequest(
                        user.id(),
                        caller.sessionId(),
                        user.roles().stream().sorted().toList(),
                        List.of())
                .authenticated(amr, clock.instant()));
        // The old pair's family would keep the old auth_time alive beside the new one: retired.
        tokens.revokeFamily(caller.token().familyId(), "reauthenticated");
        return new Issued(pair, caller.session(), Optional.empty(), pair.expiresIn(clock.instant()), Map.of());
    }

    /**
     * Checks a signed-in user's password (and TOTP code, when they have one) again, as step-up needs: the lockout
     * first, then the password, then {@code gatehouse.users.require-verified-email} (as at login: refused after the
     * password was checked), then the code. A wrong password or code counts as a failed login of the account.
     *
     * @return the {@code amr} of this authentication ({@code pwd}, and {@code otp} with a code)
     * @throws AuthFailure {@code INVALID_CREDENTIALS} (wrong password or code, or a code missing), {@code
     *     EMAIL_UNVERIFIED}, {@code RATE_LIMITED}
     */
    public List<String> confirmIdentity(User user, ClientInfo client, String password, Optional<String> code) {
        String account = accountSubject(user.email());
        String ipKey = client.limitKey();
        LockoutStatus lockout = guard.check(ipKey, account);
        if (lockout.locked()) {
            throw AuthFailure.rateLimited(RateLimitResponse.lockedOut(lockout));
        }
        boolean otp = secondFactors.enabled(user.id());
        AuthenticationResult result = users.authenticate(user.email(), password);
        if (result instanceof AuthenticationResult.Rejected rejected
                && rejected.reason() == AuthenticationResult.Reason.EMAIL_UNVERIFIED) {
            failure(client, account, "email_unverified");
            throw AuthFailure.of(AuthFailure.Kind.EMAIL_UNVERIFIED, AuthAnswers.EMAIL_UNVERIFIED);
        }
        boolean right = result instanceof AuthenticationResult.Authenticated
                && (!otp || code.isPresent() && secondFactors.verifyTotp(user.id(), code.get()));
        if (!right) {
            guard.failure(ipKey, account);
            limiter.decide(loginAccount, account);
            failure(client, account, "bad_reauthentication");
            throw AuthFailure.of(
                    AuthFailure.Kind.INVALID_CREDENTIALS,
                    otp ? "the password or the code is not correct" : "the password is not correct");
        }
        guard.success(ipKey, account);
        return otp ? List.of("pwd", "otp") : List.of("pwd");
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
        Optional<List<String>> roles = profiles.activeRoles(issued.subject());
        if (roles.isEmpty()) {
            throw AuthFailure.of(AuthFailure.Kind.SUSPENDED, "this account is suspended");
        }
        return new TokenRequest(issued.subject(), issued.sessionId(), roles.get(), issued.permissions());
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
