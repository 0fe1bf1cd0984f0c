package io.gatehouse.ratelimit;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.Stores;
import java.time.Clock;

/**
 * Brute-force protection for login: consecutive-failure counters per account, per IP and account, and
 * per IP, with temporary lockouts of growing length and optional permanent ones ({@link LockoutPolicy}).
 *
 * <pre>{@code
 * LockoutStatus s = guard.check(ip, email);
 * if (s.locked()) return RateLimitResponse.lockedOut(s);     // same answer whether the account exists
 * if (passwordOk) guard.success(ip, email); else guard.failure(ip, email);
 * }</pre>
 *
 * <p>Call {@link #failure} for unknown account names too, exactly as for real ones: the guard never
 * learns whether an account exists, so its answers cannot reveal it. While Redis is unavailable the
 * counters are kept per process (each instance counts on its own) until it is back.
 */
public interface LoginGuard {

    /** Whether a login attempt from {@code ip} for {@code account} must be refused now. */
    LockoutStatus check(String ip, String account);

    /** Records a failed attempt; returns the status after it (locked if this failure started a lockout). */
    LockoutStatus failure(String ip, String account);

    /** Records a successful login: clears the account and IP+account counters (and the IP's, if configured). */
    void success(String ip, String account);

    /** Administrator: lifts every lockout of an account (temporary or permanent, from any IP). */
    void unlockAccount(String account);

    /** Administrator: lifts the per-IP lockout of an address. */
    void unlockIp(String ip);

    /**
     * Operators' tooling: the lockouts in force now, at most {@code max} of them, in no particular order.
     * On Redis this walks the lockout keys with {@code SCAN} on every master (allowed in offline tooling
     * only): never call it on a request path.
     */
    java.util.List<ActiveLockout> lockedNow(int max);

    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LoginGuard}: in memory unless given Redis. */
    final class Builder {
        RedisConnector redis;
        Clock clock = Clock.systemUTC();
        TimeSource timeSource = TimeSource.REDIS;
        LockoutPolicy policy = LockoutPolicy.defaults();
        RateLimitListener listener = RateLimitListener.NONE;

        private Builder() {
        }

        public Builder redis(RedisConnector connector) {
            this.redis = connector;
            return this;
        }

        /** Counts where {@code stores} puts {@link Purpose#RATE_LIMITS}, with {@code gatehouse.lockout.*} settings. */
        public Builder stores(Stores stores) {
            this.redis = stores.redis(Purpose.RATE_LIMITS).orElse(null);
            return config(stores.config());
        }

        public Builder config(GatehouseConfig config) {
            this.policy = LockoutPolicy.fromConfig(config);
            this.timeSource = RateLimitSettings.read(config).timeSource();
            return this;
        }

        public Builder policy(LockoutPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder timeSource(TimeSource source) {
            this.timeSource = source;
            return this;
        }

        public Builder listener(RateLimitListener listener) {
            this.listener = listener;
            return this;
        }

        public LoginGuard build() {
            return new CountingLoginGuard(this);
        }
    }
}
