package io.gatehouse.ratelimit;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;

/**
 * Brute-force protection settings: consecutive login failures counted per account, per IP and account
 * pair, and per IP. When a counter reaches its maximum, that counter locks for
 * {@code min(lockouts so far * waitIncrement, maxWait)}, and starts again from zero; after
 * {@code permanentAfter} temporary lockouts (0 = never) it locks until an administrator unlocks it.
 * A counter is forgotten after {@code failureReset} without failures (plus any lockout still running).
 *
 * <p>The denial-of-service trade-off: a per-account lockout lets anyone lock a victim out by failing on
 * purpose. So by default {@code accountMaxFailures} is 0 (off) and guessing is stopped per IP and
 * account pair (an attacker locks only themselves) and per IP (credential stuffing across accounts).
 * Turn the account dimension on only with that cost in mind, with a short {@code maxWait} and no
 * permanent lockout; see docs/RATE-LIMITS.md.
 *
 * @param accountMaxFailures   failures per account before it locks (0 = dimension off)
 * @param ipAccountMaxFailures failures per IP and account before the pair locks (0 = off)
 * @param ipMaxFailures        failures per IP (any account) before the IP locks (0 = off)
 * @param waitIncrement        how much longer each further lockout of a counter lasts
 * @param maxWait              the longest temporary lockout
 * @param failureReset         how long without failures until a counter is forgotten
 * @param permanentAfter       temporary lockouts after which the counter locks permanently (0 = never)
 * @param resetIpOnSuccess     whether a successful login also clears the per-IP counter (default false:
 *                             an attacker with one valid account could otherwise clear it between guesses)
 */
public record LockoutPolicy(
        int accountMaxFailures,
        int ipAccountMaxFailures,
        int ipMaxFailures,
        Duration waitIncrement,
        Duration maxWait,
        Duration failureReset,
        int permanentAfter,
        boolean resetIpOnSuccess) {
    static final String PREFIX = "gatehouse.lockout.";

    public LockoutPolicy {
        if (accountMaxFailures < 0 || ipAccountMaxFailures < 0 || ipMaxFailures < 0 || permanentAfter < 0) {
            throw new IllegalArgumentException("failure counts must be 0 (off) or positive");
        }
        if (waitIncrement.toMillis() < 1 || maxWait.toMillis() < 1 || failureReset.toMillis() < 1) {
            throw new IllegalArgumentException("lockout durations must be at least 1 ms");
        }
    }

    /** Per IP+account 5, per IP 100, per account off; waits of 1m, 2m, ... up to 15m; forgotten after 15m; never permanent. */
    public static LockoutPolicy defaults() {
        return new LockoutPolicy(
                0, 5, 100, Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofMinutes(15), 0, false);
    }

    /** Reads {@code gatehouse.lockout.*}; a bad value fails with a {@link ConfigException} naming its key. */
    public static LockoutPolicy fromConfig(GatehouseConfig config) {
        LockoutPolicy d = defaults();
        return new LockoutPolicy(
                count(config, "account.max-failures", d.accountMaxFailures),
                count(config, "ip-account.max-failures", d.ipAccountMaxFailures),
                count(config, "ip.max-failures", d.ipMaxFailures),
                config.positiveDuration(PREFIX + "wait-increment", d.waitIncrement),
                config.positiveDuration(PREFIX + "max-wait", d.maxWait),
                config.positiveDuration(PREFIX + "failure-reset", d.failureReset),
                count(config, "permanent-after", d.permanentAfter),
                config.flag(PREFIX + "reset-ip-on-success", d.resetIpOnSuccess));
    }

    private static int count(GatehouseConfig config, String setting, int def) {
        long v = config.number(PREFIX + setting, def);
        if (v < 0 || v > 1_000_000) {
            throw new ConfigException(PREFIX + setting, PREFIX + setting + " = " + v + " must be 0 (off) to 1000000");
        }
        return (int) v;
    }

    /** The wait of the {@code n}-th temporary lockout of a counter. */
    long waitMillis(long n) {
        long inc = waitIncrement.toMillis();
        return n > maxWait.toMillis() / inc ? maxWait.toMillis() : Math.min(maxWait.toMillis(), n * inc);
    }
}
