package io.gatehouse.ratelimit;

import java.time.Duration;
import java.util.Optional;

/**
 * A lockout in force, as {@link LoginGuard#lockedNow(int)} lists it for operators.
 *
 * @param dimension  {@code account}, {@code ip-account} or {@code ip}: which counter locked
 * @param account    the account name, for the account and IP+account counters
 * @param ip         the address, for the IP+account and IP counters
 * @param permanent  locked until an administrator unlocks it
 * @param retryAfter how long a temporary lockout still lasts (zero when permanent)
 */
public record ActiveLockout(
        String dimension, Optional<String> account, Optional<String> ip, boolean permanent, Duration retryAfter) {}
