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
        UNMATCHED,
        /** The presented token matched, but its family used up its rotations of the window: nothing changed. */
        LIMITED
    }

    /**
     * @param outcome         what happened
     * @param sealedSuccessor for {@link Outcome#GRACE}: the successor, sealed with a key derived from the presented token
     * @param firstReuse      for {@link Outcome#REUSED}: whether this call is the one that marked the family
     * @param claims          for ROTATED, GRACE and REUSED: the family's stored claims (JSON of {@link FamilyClaims}),
     *                        or null for a family opened before claims were stored
     * @param retryAfterMs    for {@link Outcome#LIMITED}: how long until the family's window ends
     */
    record Rotation(Outcome outcome, String sealedSuccessor, boolean firstReuse, String claims, long retryAfterMs) {
        static Rotation of(Outcome outcome) {
            return new Rotation(outcome, null, false, null, 0);
        }
    }

    /**
     * A cap on the rotations and grace retries of one family per window, counted inside the rotation and
     * only for a presented token whose hash matched (a forged token cannot spend it).
     *
     * @param limit    at most this many per window; 0 for no limit
     * @param windowMs the window
     */
    record FamilyLimit(int limit, long windowMs) {
        static final FamilyLimit NONE = new FamilyLimit(0, 1);
    }

    /** A family as introspection sees it: hashes of its current and last retired token, its claims, its lifetime. */
    record Family(String currentHash, String previousHash, String claims, long ttlMs) {}

    /** Stores a new family whose current refresh token has hash {@code tokenHash}, with its claims (JSON). */
    void open(String familyId, String tokenHash, String claims, long nowMs, long ttlMs);

    /** The family, or null when it is unknown, expired or marked reused. Reads only. */
    Family read(String familyId, long nowMs);

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
     *
     * @param claims the family's claims to store with the new token (JSON), or "" to keep the stored ones
     * @param limit  the family's rotation limit, counted only for a matched hash
     */
    Rotation rotate(
            String familyId,
            String presentedHash,
            String newHash,
            String sealedSuccessor,
            long nowMs,
            long graceMs,
            long ttlMs,
            boolean signatureVerified,
            String claims,
            FamilyLimit limit);
}
