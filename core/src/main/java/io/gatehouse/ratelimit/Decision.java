package io.gatehouse.ratelimit;

import java.time.Duration;

/**
 * The answer for one policy and subject.
 *
 * @param policy     the policy's name
 * @param allowed    whether the request may proceed (and, unless it was a peek, was counted)
 * @param limit      the policy's burst: the most units that can be available at once
 * @param remaining  units still available right after this decision (0 when refused, unless the
 *                   request asked for more units than remain)
 * @param retryAfter when refused, how long until the same request would be allowed; zero when allowed
 * @param resetAfter how long until the full burst is available again (the state has drained)
 * @param source     who decided
 */
public record Decision(
        String policy,
        boolean allowed,
        long limit,
        long remaining,
        Duration retryAfter,
        Duration resetAfter,
        DecisionSource source) {

    static Decision fromMicros(
            String policy,
            boolean allowed,
            long limit,
            long remaining,
            long retryAfterMicros,
            long resetAfterMicros,
            DecisionSource source) {
        return new Decision(
                policy,
                allowed,
                limit,
                Math.max(0, remaining),
                Duration.ofNanos(Math.max(0, retryAfterMicros) * 1000),
                Duration.ofNanos(Math.max(0, resetAfterMicros) * 1000),
                source);
    }

    /** Retry-after in whole seconds, rounded up (what the {@code Retry-After} header carries); 0 when allowed. */
    public long retryAfterSeconds() {
        return ceilSeconds(retryAfter);
    }

    /** Reset-after in whole seconds, rounded up. */
    public long resetAfterSeconds() {
        return ceilSeconds(resetAfter);
    }

    static long ceilSeconds(Duration d) {
        long nanos = d.toNanos();
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
