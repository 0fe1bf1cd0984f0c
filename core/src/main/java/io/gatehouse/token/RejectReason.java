package io.gatehouse.token;

import java.util.Locale;

/** Why a token was refused. Each has a stable lower-case {@link #code()} for APIs and logs. */
public enum RejectReason {
    /** Not three base64url parts, bad JSON, missing header fields: anything that does not parse. */
    MALFORMED,
    /** Longer than {@code gatehouse.tokens.max-token-length}; refused before parsing. */
    TOO_LARGE,
    /** {@code alg: none} (an unsecured JWT). */
    UNSIGNED,
    /** An algorithm this service does not accept here: HMAC on an access token, or one that does not match the key. */
    ALGORITHM_NOT_ALLOWED,
    /** The JOSE header's {@code typ} is not {@code JWT} (access) or {@code refresh+jwt} (refresh). */
    WRONG_TYPE,
    /** No {@code kid}, or a {@code kid} not in the key set. */
    UNKNOWN_KEY,
    /** The signature does not verify. */
    BAD_SIGNATURE,
    /** {@code iss} is not this issuer. */
    WRONG_ISSUER,
    /** {@code aud} does not contain this audience. */
    WRONG_AUDIENCE,
    /** {@code exp} has passed (beyond the clock skew). */
    EXPIRED,
    /** {@code nbf} or {@code iat} is in the future (beyond the clock skew). */
    NOT_YET_VALID,
    /** A required claim ({@code sub}, {@code jti}, {@code sid}, {@code fam}, {@code iat}, {@code exp}) is missing or mistyped. */
    MISSING_CLAIM,
    /** A refresh token where an access token is expected, or the reverse. */
    WRONG_TOKEN_USE,
    /** The token's {@code jti} is revoked. */
    REVOKED_TOKEN,
    /** The token's session is revoked. */
    REVOKED_SESSION,
    /** The token's refresh family is revoked (for example after reuse). */
    REVOKED_FAMILY,
    /** The token was issued before the user's "not before" instant. */
    REVOKED_USER,
    /** The revocation state is older than the staleness budget and the policy is fail-closed. */
    REVOCATION_UNKNOWN,
    /** A retired refresh token was presented after the grace window: its family and session are now revoked. */
    REFRESH_REUSED,
    /** The refresh family is not known (expired, or never stored), or an opaque refresh token matches none of its hashes. */
    REFRESH_UNKNOWN;

    /** {@code bad_signature}, {@code revoked_session}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What a client may learn about a refused access token (the server's and the Spring starter's
     * {@code error_description}): expired (so it refreshes) or revoked (so it logs in again); the finer
     * reasons (bad signature, wrong issuer, ...) stay in metrics and logs.
     */
    public String clientDescription() {
        return switch (this) {
            case EXPIRED -> "the access token has expired";
            case REVOKED_TOKEN, REVOKED_SESSION, REVOKED_FAMILY, REVOKED_USER, REFRESH_REUSED ->
                "the access token has been revoked";
            default -> "the access token is not valid";
        };
    }
}
