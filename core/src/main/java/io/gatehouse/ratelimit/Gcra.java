package io.gatehouse.ratelimit;

/*
 * GCRA keeps one number per key: the theoretical arrival time (TAT), when the key's state will have
 * drained completely. A request of cost c at time now moves it to max(TAT, now) + c*T (T = emission
 * interval) and is allowed when that lands at most burst*T ahead of now. Refused requests change
 * nothing. This class is the arithmetic, exactly as gcra.lua does it, so the in-memory limiter and the
 * Redis one answer decision for decision alike (GcraAgreementTest holds them to it).
 */
final class Gcra {
    private Gcra() {}

    /** Whether the request fits, given the stored TAT (or {@code now} when there is none). */
    static boolean fits(long storedTat, long now, long interval, long burst, long cost) {
        long tat = Math.max(storedTat, now);
        return tat + cost * interval - burst * interval <= now;
    }

    /** The TAT after an allowed request. */
    static long consumed(long storedTat, long now, long interval, long cost) {
        return Math.max(storedTat, now) + cost * interval;
    }

    /**
     * The decision for a request against {@code storedTat}.
     *
     * @param committed whether the request was counted (allowed and not a peek): then remaining and reset
     *                  are given after it, else as they stand
     */
    static Decision decision(
            String policy,
            long storedTat,
            long now,
            long interval,
            long burst,
            long cost,
            boolean fits,
            boolean committed,
            DecisionSource source) {
        long tat = Math.max(storedTat, now);
        long after = committed ? tat + cost * interval : tat;
        long remaining = Math.floorDiv(burst * interval - (after - now), interval);
        long retryAfter = fits ? 0 : tat + cost * interval - burst * interval - now;
        return Decision.fromMicros(policy, fits, burst, remaining, retryAfter, after - now, source);
    }

    /** The TAT after giving back {@code cost} units; at most {@code now} means the key can be deleted. */
    static long refunded(long storedTat, long interval, long cost) {
        return storedTat - cost * interval;
    }
}
