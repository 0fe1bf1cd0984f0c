package io.gatehouse.ratelimit;

/**
 * Whose clock a Redis-backed limiter decides with.
 *
 * <p>{@link #REDIS} (the default) reads {@code TIME} inside the script: one clock for every instance, so
 * clock skew between application servers cannot make one of them admit more than the limit. (Redis 7
 * replicates a script's effects, not the script, so a script may read {@code TIME} and then write.)
 * {@link #CLIENT} passes the injected {@link java.time.Clock}'s time with each call: use it in tests
 * that move time by hand, and only where every instance's clock is synchronised.
 */
public enum TimeSource {
    /** Redis {@code TIME}, read in the script (one source of truth across instances). */
    REDIS,
    /** The limiter's {@link java.time.Clock}, passed as an argument. */
    CLIENT
}
