package io.gatehouse.ratelimit;

/**
 * Receives rate-limit and lockout events, for the security event log and metrics. Called on the
 * deciding thread: return quickly and never throw (exceptions are logged and dropped).
 *
 * <p>Refusals are sampled: {@link #exceeded} is called when Redis (or the fallback) refuses a key, which
 * starts a local deny period; the refusals the local deny cache answers during that period are not
 * reported one by one. So an attacker hammering one key yields about one event per retry-after period
 * per instance, not one per request. (With the deny cache switched off, every refusal is reported.)
 */
public interface RateLimitListener {
    /** A listener that ignores everything. */
    RateLimitListener NONE = new RateLimitListener() {};

    /**
     * Every decision that consumed (allowed or refused, whatever answered it: Redis, memory, the local
     * deny cache, the fallback); peeks are not reported. On the hot path: keep it cheap (metrics count here).
     */
    default void decided(Decision decision) {}

    /** A subject went over a policy's limit. */
    default void exceeded(String subject, Decision decision) {}

    /**
     * A login failure started a lockout.
     *
     * @param dimension {@code account}, {@code ip-account} or {@code ip}
     * @param ip        the client address
     * @param account   the account name as typed (whether or not such an account exists)
     */
    default void lockedOut(String dimension, String ip, String account, LockoutStatus status) {}
}
