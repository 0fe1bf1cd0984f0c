package io.gatehouse.ratelimit;

import java.time.Duration;

/**
 * Whether a login may be attempted. It says nothing about which counter locked or whether the account
 * exists: an unknown account name is counted and locked exactly like a real one.
 *
 * @param locked     whether the attempt must be refused without checking the password
 * @param permanent  locked until an administrator unlocks it
 * @param retryAfter how long a temporary lockout still lasts (zero when not locked or permanent)
 */
public record LockoutStatus(boolean locked, boolean permanent, Duration retryAfter) {
    /** Not locked. */
    public static final LockoutStatus OPEN = new LockoutStatus(false, false, Duration.ZERO);

    /** Retry-after in whole seconds, rounded up. */
    public long retryAfterSeconds() {
        return Decision.ceilSeconds(retryAfter);
    }

    static LockoutStatus of(long lockedUntilMillis, boolean permanent, long nowMillis) {
        if (permanent) {
            return new LockoutStatus(true, true, Duration.ZERO);
        }
        if (lockedUntilMillis > nowMillis) {
            return new LockoutStatus(true, false, Duration.ofMillis(lockedUntilMillis - nowMillis));
        }
        return OPEN;
    }

    /** The stricter of two statuses (permanent over temporary, longer over shorter). */
    LockoutStatus and(LockoutStatus other) {
        if (permanent || !other.locked) {
            return this;
        }
        if (other.permanent || !locked) {
            return other;
        }
        return retryAfter.compareTo(other.retryAfter) >= 0 ? this : other;
    }
}
