package io.gatehouse.server.auth;

import io.gatehouse.mfa.Challenge;
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
        RATE_LIMITED,
        /** The password was right and the account has a second factor: the login waits for it ({@link #challenge}). */
        MFA_REQUIRED,
        /** The second-factor code (or recovery code) is not right; the challenge has {@link #remaining} attempts. */
        INVALID_MFA_CODE,
        /** The challenge is unknown, expired, used, or locked after too many wrong codes: log in again. */
        INVALID_MFA_CHALLENGE
    }

    private final Kind kind;
    private final transient RateLimitResponse limited;
    private final transient Challenge.Opened challenge;
    private final int remaining;

    private AuthFailure(
            Kind kind, String message, RateLimitResponse limited, Challenge.Opened challenge, int remaining) {
        super(message, null, false, false);
        this.kind = kind;
        this.limited = limited;
        this.challenge = challenge;
        this.remaining = remaining;
    }

    public static AuthFailure of(Kind kind, String message) {
        if (kind == Kind.RATE_LIMITED || kind == Kind.MFA_REQUIRED || kind == Kind.INVALID_MFA_CODE) {
            throw new IllegalArgumentException("use the factory of " + kind);
        }
        return new AuthFailure(kind, message, null, null, 0);
    }

    public static AuthFailure rateLimited(RateLimitResponse response) {
        return new AuthFailure(Kind.RATE_LIMITED, "rate limited", response, null, 0);
    }

    /** The login waits for a second factor: {@code challenge} is what the client sends back with the code. */
    public static AuthFailure mfaRequired(Challenge.Opened challenge) {
        return new AuthFailure(Kind.MFA_REQUIRED, "a second factor is required", null, challenge, 0);
    }

    /** A wrong code; {@code remaining} attempts are left on the challenge. */
    public static AuthFailure invalidMfaCode(int remaining) {
        return new AuthFailure(Kind.INVALID_MFA_CODE, "the code is not correct", null, null, remaining);
    }

    /** The challenge of {@link Kind#MFA_REQUIRED}. */
    public Optional<Challenge.Opened> challenge() {
        return Optional.ofNullable(challenge);
    }

    /** Attempts left on the challenge, for {@link Kind#INVALID_MFA_CODE}. */
    public int remaining() {
        return remaining;
    }

    public Kind kind() {
        return kind;
    }

    /** The 429 (or 403 for a permanent lockout) answer with its headers, for {@link Kind#RATE_LIMITED}. */
    public Optional<RateLimitResponse> rateLimitResponse() {
        return Optional.ofNullable(limited);
    }
}
