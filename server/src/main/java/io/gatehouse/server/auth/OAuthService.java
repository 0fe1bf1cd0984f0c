package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.session.SessionStore;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.VerifiedToken;
import java.time.Clock;
import java.util.Optional;

/**
 * Token introspection (RFC 7662) and revocation (RFC 7009) for authenticated OAuth clients.
 *
 * <p>Introspection answers {@code active: true} only for a token that verifies, is not revoked, and whose
 * session still exists: exactly what the server's own protected routes accept (a resource server that
 * introspects sees what Gatehouse sees). Everything else is {@code {"active": false}}, without a reason.
 * It reads the session without touching it: introspection is a question, not activity of the user. The
 * session read is answered from {@link SessionLiveness} when the session was seen before.
 */
public final class OAuthService {
    private final TokenService tokens;
    private final SessionStore sessions;
    private final SessionLiveness liveness;
    private final RateLimiter limiter;
    private final RatePolicy introspectPolicy;
    private final ReservedDecisions introspectLimit;
    private final TokenVerificationMetrics metrics;
    private final Clock clock;
    private final String audience;
    /** Per verified token object: the epoch second before which its session is alive (see sessionAlive). */
    private final TokenSlots<Long> sessionDeadlines = new TokenSlots<>();

    /**
     * @param introspectPolicy the {@value AuthSettings#INTROSPECT_CLIENT} policy
     * @param introspectBatch the most {@code introspect-client} units taken from Redis at once
     *                        ({@code gatehouse.server.introspect-limit-batch}; 1 decides every introspection in
     *                        Redis, and is what the caller passes when rate limits are in memory)
     */
    public OAuthService(
            TokenService tokens,
            SessionStore sessions,
            RateLimiter limiter,
            RatePolicy introspectPolicy,
            Clock clock,
            SessionLiveness liveness,
            TokenVerificationMetrics metrics,
            String audience,
            long introspectBatch) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.liveness = liveness;
        this.limiter = limiter;
        this.introspectPolicy = introspectPolicy;
        // On Redis, the per-client ceiling is taken from the shared state in batches (ReservedDecisions): one
        // round trip per batch instead of per introspection. In memory a decision costs no I/O: one by one.
        this.introspectLimit = new ReservedDecisions(limiter, introspectPolicy, introspectBatch, System::nanoTime);
        this.metrics = metrics;
        this.clock = clock;
        this.audience = audience;
    }

    /**
     * The RFC 7662 answer for {@code token}, asked by {@code client} (which must have the
     * {@value OAuthClient#INTROSPECT} scope: the route checks it).
     *
     * @throws AuthFailure {@code RATE_LIMITED} when the client exceeds {@code introspect-client}
     */
    public Introspection introspect(OAuthClient client, String token) {
        Decision d = introspectLimit.decide(client.id());
        if (d != null && !d.allowed()) {
            throw AuthFailure.rateLimited(RateLimitResponse.of(introspectPolicy, d, clock.instant()));
        }
        VerifiedToken t;
        try {
            t = tokens.verify(token);
        } catch (TokenRejectedException e) {
            if (e.reason() != RejectReason.WRONG_TOKEN_USE) {
                metrics.rejected(e.reason());
                return inactive();
            }
            // A refresh token: active only while it is its family's current token (one read of the family;
            // a retired one, which a refresh would take for reuse, is inactive), authentic and not revoked.
            Optional<VerifiedToken> refresh = tokens.activeRefresh(token);
            if (refresh.isEmpty()) {
                metrics.rejected(RejectReason.REFRESH_UNKNOWN);
                return inactive();
            }
            t = refresh.get();
        }
        if (!sessionAlive(t)) {
            metrics.sessionExpired();
            return inactive();
        }
        metrics.ok();
        return new Introspection(Optional.of(t), tokens.issuer(), audience);
    }

    /**
     * Whether the session of {@code t} is alive. Exact without a round trip for a session seen before (see
     * {@link SessionLiveness}): the token passed the revocation check, so its session was not ended; only expiry
     * remains, and that is arithmetic on the session's deadline. The deadline is remembered on the verified token
     * object (the verification cache hands back the same one for the same token), so a token introspected again
     * costs a slot read and a comparison instead of the liveness cache's lookup by handle.
     */
    private boolean sessionAlive(VerifiedToken t) {
        long now = Math.floorDiv(clock.millis(), 1000);
        Long until = sessionDeadlines.get(t);
        if (until != null && now < until) {
            return true;
        }
        long read;
        try {
            read = liveness.aliveUntil(t.sessionId(), t.subject());
        } catch (SessionInputException e) {
            return false;
        }
        if (read == 0) {
            return false;
        }
        sessionDeadlines.put(t, read);
        return true;
    }

    /**
     * Revokes {@code token} (RFC 7009): an access token by its id, a refresh token with its whole family,
     * and then its session, which has no way to get new tokens any more. Unknown, foreign, expired and
     * malformed tokens are ignored, as the RFC asks (the answer is 200 either way).
     *
     * @return whether a token of ours was revoked
     */
    public boolean revoke(OAuthClient client, String token) {
        String sessionToEnd = null;
        try {
            sessionToEnd = tokens.verifyRefresh(token).sessionId();
        } catch (TokenRejectedException e) {
            // An access token, or not one of ours: tokens.revoke decides.
        }
        // The security event (token_revoked, with this reason) comes from the token service's listener.
        boolean revoked = tokens.revoke(token, "revoked at /oauth2/revoke by client " + client.id());
        if (revoked && sessionToEnd != null) {
            try {
                sessions.endByHandle(sessionToEnd);
            } catch (SessionInputException e) {
                // A refresh token we signed always carries a well-formed session handle.
            }
        }
        return revoked;
    }

    private static Introspection inactive() {
        return Introspection.inactive();
    }
}
