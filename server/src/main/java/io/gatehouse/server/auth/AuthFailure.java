package io.gatehouse.server.auth;

import io.gatehouse.ratelimit.RateLimitResponse;
import java.util.Optional;

/**
 * Why an auth flow refused a request. The flows know nothing of HTTP; {@link AuthAnswers} renders a
 * failure as a problem (JSON API) or an RFC 6749 error (OAuth endpoints). Messages are safe to send.
 */
public final class AuthFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal. */
    public enum Kind {
        /** Unknown email or wrong password, deliberately indistinguishable. */
        INVALID_CREDENTIALS,
        /** The account is suspended (only said after the password was verified). */
        SUSPENDED,
        /**
         * The address is not verified and {@code gatehouse.users.require-verified-email} is on (only said after
         * the password was verified).
         */
        EMAIL_UNVERIFIED,
        /** The refresh token is not good: malformed, expired, revoked, or its session has ended. */
        INVALID_REFRESH,
        /** A rotated refresh token was presented again: its family and session are now revoked. */
        REFRESH_REUSED,
        /** The user has the most sessions allowed and the limit policy refuses new ones. */
        SESSION_LIMIT,
        /** The token revocation state is too old to decide (fail-closed): a temporary server-side failure. */
        UNAVAILABLE,
        /** A rate limit or the login lockout refused the request. */
        RATE_LIMITED
    }

    private final Kind kind;
    private final transient RateLimitResponse limited;

    private AuthFailure(Kind kind, String message, RateLimitResponse limited) {
        super(message, null, false, false);
        this.kind = kind;
        this.limited = limited;
    }

    public static AuthFailure of(Kind kind, String message) {
        if (kind == Kind.RATE_LIMITED) {
            throw new IllegalArgumentException("use rateLimited(response)");
        }
        return new AuthFailure(kind, message, null);
    }

    public static AuthFailure rateLimited(RateLimitResponse response) {
        return new AuthFailure(Kind.RATE_LIMITED, "rate limited", response);
    }

    public Kind kind() {
        return kind;
    }

    /** The 429 (or 403 for a permanent lockout) answer with its headers, for {@link Kind#RATE_LIMITED}. */
    public Optional<RateLimitResponse> rateLimitResponse() {
        return Optional.ofNullable(limited);
    }
}
