package io.gatehouse.token;

/**
 * The state of refresh families: which refresh token is current (by SHA-256 only), which was retired
 * last and when, and the sealed successor handed to retries inside the grace window.
 *
 * <p>Implementations: {@link RedisRefreshStore} (one script per rotation) and {@link InMemoryRefreshStore}.
 */
interface RefreshStore {

    /** What a rotation attempt found. */
    enum Outcome {
        /** The presented token was current: the new one is current now. */
        ROTATED,
        /** The presented token was retired by the last rotation, inside the grace window: here is its successor. */
        GRACE,
        /** The presented token was retired earlier, or the grace window has closed: the family is marked reused. */
        REUSED,
        /** No such family (expired, or never stored). */
        UNKNOWN,
        /**
         * The presented hash is neither the current nor the last retired one and the caller had not verified
         * the token's signature: nothing was changed. The caller verifies the signature and asks again.
         */
        UNMATCHED
    }

    /**
     * @param outcome         what happened
     * @param sealedSuccessor for {@link Outcome#GRACE}: the successor, sealed with a key derived from the presented token
     * @param firstReuse      for {@link Outcome#REUSED}: whether this call is the one that marked the family
     */
    record Rotation(Outcome outcome, String sealedSuccessor, boolean firstReuse) {
    }

    /** Stores a new family whose current refresh token has hash {@code tokenHash}. */
    void open(String familyId, String tokenHash, long nowMs, long ttlMs);

    /**
     * Atomically: if {@code presentedHash} is current, make {@code newHash} current, remember the presented
     * one as retired at {@code nowMs} with {@code sealedSuccessor} for {@code graceMs}; if it is the last
     * retired one and {@code nowMs} is within {@code graceMs} of that rotation, return the sealed successor;
     * otherwise mark the family reused.
     *
     * <p>A presented hash equal to a stored one (current or last retired) authenticates the token byte for
     * byte, so the caller need not have verified its signature. Any other hash authenticates nothing: unless
     * {@code signatureVerified}, the answer is {@link Outcome#UNMATCHED} and nothing changes, so a forged
     * token naming a real family can never mark it reused.
     */
    Rotation rotate(String familyId, String presentedHash, String newHash, String sealedSuccessor, long nowMs,
                    long graceMs, long ttlMs, boolean signatureVerified);
}
