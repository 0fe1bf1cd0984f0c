package io.gatehouse.ratelimit;

import io.gatehouse.error.InvalidInputException;

/**
 * One limit of a request: a policy, the subject it is counted against (an IP, a user id, an account
 * name) and the units the request costs.
 *
 * <p>The subject is the Redis hash tag of the key ({@code gatehouse:rl:{<subject>}:<policy>}), so the
 * checks of one subject (a user's per-second and per-day limits) share a Cluster slot and are decided in
 * one script, atomically. Subjects with braces, whitespace or control characters are refused.
 *
 * @param policy  the policy
 * @param subject who is counted, 1 to 256 characters, no braces, whitespace or control characters
 * @param cost    units this request takes, 1 to the policy's burst
 */
public record Check(RatePolicy policy, String subject, long cost) {
    public Check {
        if (policy == null) {
            throw new IllegalArgumentException("a check needs a policy");
        }
        requireSubject(subject);
        if (cost < 1) {
            throw new IllegalArgumentException("a request costs at least 1 unit, not " + cost);
        }
        if (cost > policy.limit().burst()) {
            throw new IllegalArgumentException("a cost of " + cost + " exceeds the burst of policy " + policy.name()
                    + " (" + policy.limit().burst() + "): it could never be allowed");
        }
    }

    public static Check of(RatePolicy policy, String subject) {
        return new Check(policy, subject, 1);
    }

    public static Check of(RatePolicy policy, String subject, long cost) {
        return new Check(policy, subject, cost);
    }

    static void requireSubject(String subject) {
        if (subject == null || subject.isEmpty() || subject.length() > 256) {
            throw new InvalidInputException("a rate-limit subject must be 1 to 256 characters");
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (c == '{'
                    || c == '}'
                    || c <= ' '
                    || c == 0x7f
                    || Character.isWhitespace(c)
                    || Character.isISOControl(c)) {
                throw new InvalidInputException(
                        "a rate-limit subject may not contain braces, whitespace or control characters");
            }
        }
    }
}
