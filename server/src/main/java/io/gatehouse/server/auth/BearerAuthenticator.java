package io.gatehouse.server.auth;

import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.session.Session;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.VerifiedToken;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates requests to protected routes by their {@code Authorization: Bearer} access token (RFC 6750):
 *
 * <ol>
 *   <li>the token is verified: signature, claims, and the local revocation check (token, session, family,
 *       user not-before), all in memory;</li>
 *   <li>its session must still exist and is touched (sliding idle timeout). Ended sessions have their tokens
 *       revoked already, but sessions that <em>expire</em> are not reported to anyone, so only this lookup
 *       catches a token that outlives its session (asked of the store every time, through
 *       {@link SessionLiveness#touchInStore}, which remembers the answer for introspection);</li>
 *   <li>the session must belong to the token's subject.</li>
 * </ol>
 *
 * Anything else is 401 with {@code WWW-Authenticate: Bearer realm="gatehouse", error="invalid_token"} and a
 * problem body ({@code urn:gatehouse:problem:invalid-token}); no credentials at all is 401 with a bare
 * {@code Bearer} challenge, as RFC 6750 §3.1 asks. The token never reaches a log or a response.
 */
public final class BearerAuthenticator {
    static final String REALM = "realm=\"gatehouse\"";

    private final TokenService tokens;
    private final SessionLiveness sessions;
    private final TokenVerificationMetrics metrics;
    private final ApiLimits limits;

    /**
     * @param sessions the sessions, touched in the store; the liveness cache remembers each answer
     * @param limits   the per-user and per-address ceilings every authenticated request passes
     */
    public BearerAuthenticator(
            TokenService tokens, SessionLiveness sessions, TokenVerificationMetrics metrics, ApiLimits limits) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.metrics = metrics;
        this.limits = limits;
    }

    /**
     * The caller of {@code req}; also records the user id for the request's log lines, and spends one unit of
     * the {@code api-user} and {@code api-ip} limits.
     *
     * @throws ProblemException 401 as described above, 429 when a limit is spent
     */
    public Caller authenticate(ServerRequest req) {
        Caller caller =
                authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        Exchange.of(req).userId(caller.userId());
        limits.check(caller.userId(), ClientInfo.of(req));
        return caller;
    }

    /** As {@link #authenticate(ServerRequest)} for an {@code Authorization} header value (null when absent). */
    public Caller authenticate(String authorization) {
        String token = bearerToken(authorization)
                .orElseThrow(() -> new ProblemException(
                        Problem.typed(
                                "unauthenticated",
                                401,
                                "Unauthorized",
                                "this resource needs an access token:" + " Authorization: Bearer <access_token>"),
                        Map.of("WWW-Authenticate", "Bearer " + REALM)));
        VerifiedToken verified;
        try {
            verified = tokens.verify(token);
        } catch (TokenRejectedException e) {
            metrics.rejected(e.reason());
            if (e.reason() == RejectReason.REVOCATION_UNKNOWN) {
                // Our state is too old to trust (fail-closed): the token may be fine, so this is not a 401
                // (a client would throw its tokens away), it is a temporary failure of the server.
                throw revocationUnknown();
            }
            throw invalidToken(describe(e.reason()));
        }
        // Always the store's touch: an unreachable store is a 503 here, never an answer from memory.
        Optional<Session> session = sessions.touchInStore(verified.sessionId());
        if (session.isEmpty() || !session.get().userId().equals(verified.subject())) {
            metrics.sessionExpired();
            throw invalidToken("the session of this access token has ended");
        }
        metrics.ok();
        return new Caller(verified, session.get());
    }

    /** The token of a {@code Bearer} header value (scheme case-insensitive), if that is what it is. */
    static Optional<String> bearerToken(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String v = authorization.strip();
        if (v.length() < 8 || !v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        String token = v.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /**
     * The profile of an authenticated caller's user. A user deleted after the token was issued makes the
     * token worthless: 401 {@code invalid_token}, as for any other token that is no longer good.
     */
    static User profileOf(Caller caller, UserProfiles profiles) {
        return profiles.get(caller.userId())
                .orElseThrow(() -> invalidToken("the user of this access token no longer exists"));
    }

    /** A 401 for a presented token that is not good, with the RFC 6750 challenge. */
    static ProblemException invalidToken(String description) {
        return new ProblemException(
                Problem.typed("invalid-token", 401, "Unauthorized", description),
                Map.of(
                        "WWW-Authenticate",
                        "Bearer " + REALM + ", error=\"invalid_token\", error_description=\"" + description + "\""));
    }

    /** 503: the revocation state is older than its staleness budget and the policy is fail-closed. */
    static ProblemException revocationUnknown() {
        return new ProblemException(
                Problem.typed(
                        "unavailable",
                        503,
                        "Service Unavailable",
                        "the token revocation state cannot be checked right now; retry shortly"),
                Map.of("Retry-After", "1"));
    }

    /**
     * What a client may learn about a refused token: expired (so it refreshes) or revoked (so it logs in
     * again); the finer reasons (bad signature, wrong issuer, ...) stay in the metrics.
     */
    static String describe(RejectReason reason) {
        return reason.clientDescription();
    }
}
