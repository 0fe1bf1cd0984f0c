package io.gatehouse.mfa;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The short-lived, shared state of second factors, in memory or in Redis (the sessions' deployment): login
 * challenges with their attempt counter, and the last TOTP time step accepted for each user. Every operation is
 * one atomic step (one script on Redis), so instances racing on the same challenge or code cannot both win.
 */
interface MfaState {
    /**
     * Accepts time step {@code step} for the user if it is later than every step accepted before (a code
     * works once, and an older code of the window is refused after a newer one was used).
     *
     * @param ttlSeconds how long to remember the step (beyond it, no code of that step is valid anyway)
     */
    boolean acceptStep(String userId, long step, long ttlSeconds);

    /** Stores a challenge under its id hash, with its context, for {@code ttlMillis}. */
    void open(String idHash, Map<String, String> context, long ttlMillis);

    /**
     * Counts one attempt on the challenge before its code is checked, so at most {@code maxAttempts} codes are
     * ever checked against it, however many requests race.
     *
     * @return the attempt's number and the context; empty when the challenge does not exist, has expired, or
     *     has used up its attempts (it is deleted then: locked)
     */
    Optional<Attempt> attempt(String idHash, int maxAttempts);

    /** Deletes the challenge; true for exactly one caller (the one whose code completes the login). */
    boolean take(String idHash);

    /** One counted attempt: its number (1-based) and the challenge's context. */
    record Attempt(int number, Map<String, String> context) {
        public Attempt {
            context = Map.copyOf(context);
        }
    }

    /** Flat {@code [field, value, ...]} to a map (a Redis hash reply). */
    static Map<String, String> pairs(List<?> flat, int from) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = from; i + 1 < flat.size(); i += 2) {
            m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return m;
    }
}
