package io.gatehouse.token;

/** What a revocation check answers once the local state is older than the staleness budget. */
public enum StalePolicy {
    /** Refuse every token not known to be revoked ({@link RejectReason#REVOCATION_UNKNOWN}). The default. */
    FAIL_CLOSED,
    /** Accept tokens on the stale state; health reports degraded. */
    FAIL_OPEN
}
