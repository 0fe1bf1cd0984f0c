package io.gatehouse.ratelimit;

/**
 * A named limit, for example {@code login-ip} at {@code 10/1m}. The name becomes part of Redis keys and
 * of the {@code RateLimit-Policy} header, so it is 1 to 64 characters of {@code a-z 0-9 . _ -}.
 * Policies are plain values: build a new one to change a limit at run time; the next decision uses it.
 *
 * @param name        the policy's name
 * @param limit       its rate and burst
 * @param onStoreDown what to answer while Redis is unavailable
 */
public record RatePolicy(String name, Limit limit, StoreDownMode onStoreDown) {
    public RatePolicy {
        if (name == null || !name.matches("[a-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(
                    "a policy name must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', not '" + name + "'");
        }
        if (limit == null || onStoreDown == null) {
            throw new IllegalArgumentException("a policy needs a limit and a store-down mode");
        }
    }

    /** A policy that falls back to an in-memory limiter while Redis is down. */
    public static RatePolicy of(String name, Limit limit) {
        return new RatePolicy(name, limit, StoreDownMode.FALLBACK);
    }

    public RatePolicy withLimit(Limit newLimit) {
        return new RatePolicy(name, newLimit, onStoreDown);
    }

    public RatePolicy withStoreDownMode(StoreDownMode mode) {
        return new RatePolicy(name, limit, mode);
    }
}
