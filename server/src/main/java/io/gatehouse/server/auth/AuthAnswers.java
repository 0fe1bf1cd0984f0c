package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.server.http.OAuthError;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders {@link AuthFailure}s: problem details for the JSON API, RFC 6749 errors for the OAuth endpoints. */
public final class AuthAnswers {
    /** The refusal of a login whose address is not verified yet. */
    static final String EMAIL_UNVERIFIED =
            "this email address is not verified yet: follow the link mailed at registration, or ask for a new one"
                    + " (POST /api/v1/auth/verify-email/resend)";

    private AuthAnswers() {}

    /** The problem of the JSON API for {@code failure}. */
    public static ProblemException problem(AuthFailure failure) {
        return switch (failure.kind()) {
            case INVALID_CREDENTIALS ->
                new ProblemException(Problem.typed(
                        "invalid-credentials", 401, "Unauthorized", "the email or the password is not correct"));
            case SUSPENDED ->
                new ProblemException(Problem.typed("account-suspended", 403, "Forbidden", "this account is suspended"));
            case EMAIL_UNVERIFIED ->
                new ProblemException(Problem.typed("email-unverified", 403, "Forbidden", EMAIL_UNVERIFIED));
            case INVALID_REFRESH ->
                new ProblemException(Problem.typed("invalid-refresh-token", 401, "Unauthorized", failure.getMessage()));
            case REFRESH_REUSED ->
                new ProblemException(Problem.typed("refresh-token-reused", 401, "Unauthorized", failure.getMessage()));
            case SESSION_LIMIT ->
                new ProblemException(Problem.typed("session-limit", 409, "Conflict", failure.getMessage()));
            case UNAVAILABLE -> BearerAuthenticator.revocationUnknown();
            case RATE_LIMITED -> rateLimited(failure.rateLimitResponse().orElseThrow());
        };
    }

    /**
     * The OAuth error for {@code failure}: every refusal of a grant is {@code invalid_grant} (RFC 6749 §5.2);
     * a rate limit and an unavailable revocation state have no RFC 6749 code and are answered as on the
     * JSON API (429 or 503, {@code Retry-After}).
     */
    static OAuthError oauth(AuthFailure failure) {
        return switch (failure.kind()) {
            case INVALID_CREDENTIALS -> OAuthError.invalidGrant("the username or the password is not correct");
            case SUSPENDED -> OAuthError.invalidGrant("this account is suspended");
            case EMAIL_UNVERIFIED -> OAuthError.invalidGrant(EMAIL_UNVERIFIED);
            case INVALID_REFRESH, REFRESH_REUSED, SESSION_LIMIT -> OAuthError.invalidGrant(failure.getMessage());
            case UNAVAILABLE -> throw BearerAuthenticator.revocationUnknown();
            case RATE_LIMITED -> throw rateLimited(failure.rateLimitResponse().orElseThrow());
        };
    }

    /** The rate-limit module's answer (status, {@code Retry-After}, {@code RateLimit*} headers, refusal) as a problem. */
    static ProblemException rateLimited(RateLimitResponse response) {
        RateLimitResponse.Refusal r = response.refusal().orElseThrow();
        Map<String, Object> extra = new LinkedHashMap<>();
        r.policy().ifPresent(p -> extra.put("policy", p));
        if (r.retryAfterSeconds() > 0) {
            extra.put("retry_after", r.retryAfterSeconds());
        }
        String kind = r.lockout() && response.status() == 403 ? "account-locked" : "rate-limited";
        Problem p = new Problem("urn:gatehouse:problem:" + kind, r.title(), response.status(), r.detail(), extra);
        return new ProblemException(p, response.headers());
    }
}
