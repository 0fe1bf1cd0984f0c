package io.gatehouse.token;

/** The answer of a local revocation check. */
public enum RevocationStatus {
    /** Not revoked (as far as a state within the staleness budget, or fail-open, knows). */
    VALID(null),
    /** The token's {@code jti} is revoked. */
    REVOKED_TOKEN(RejectReason.REVOKED_TOKEN),
    /** The token's session is revoked. */
    REVOKED_SESSION(RejectReason.REVOKED_SESSION),
    /** The token's refresh family is revoked. */
    REVOKED_FAMILY(RejectReason.REVOKED_FAMILY),
    /** The token was issued before its user's "not before" instant. */
    REVOKED_USER(RejectReason.REVOKED_USER),
    /** The state is older than the staleness budget and the policy is fail-closed. */
    UNKNOWN(RejectReason.REVOCATION_UNKNOWN);

    private final RejectReason reason;

    RevocationStatus(RejectReason reason) {
        this.reason = reason;
    }

    /** The rejection reason, or null for {@link #VALID}. */
    RejectReason reason() {
        return reason;
    }
}
