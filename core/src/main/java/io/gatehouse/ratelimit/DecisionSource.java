package io.gatehouse.ratelimit;

/** Who answered a decision; for metrics, logs and tests. */
public enum DecisionSource {
    /** The shared GCRA state in Redis. */
    REDIS,
    /** The in-memory store (no Redis configured). */
    MEMORY,
    /** The local deny cache: the key was refused moments ago and its retry-after has not passed. */
    LOCAL_DENY,
    /** Redis was unavailable: the per-process in-memory limiter decided ({@link StoreDownMode#FALLBACK}). */
    FALLBACK,
    /** Redis was unavailable and the policy allows everything then ({@link StoreDownMode#FAIL_OPEN}). */
    FAIL_OPEN,
    /** Redis was unavailable and the policy refuses everything then ({@link StoreDownMode#FAIL_CLOSED}). */
    FAIL_CLOSED
}
