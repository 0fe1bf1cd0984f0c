package io.gatehouse.ratelimit;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.time.Clock;
import java.util.Objects;

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
     * On Redis this reads an index of the lockouts in force (a sorted set by expiry) and checks each
     * against its counter; no key walk, one round trip per 100 entries plus two per entry checked.
     */
    java.util.List<ActiveLockout> lockedNow(int max);

    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LoginGuard}: in memory unless given Redis. */
    final class Builder {
        // Resolved by build(): what was set explicitly wins over the configuration, whatever the call order.
        RedisConnector redis;
        Clock clock = Clock.systemUTC();
        TimeSource timeSource;
        LockoutPolicy policy;
        RateLimitListener listener = RateLimitListener.NONE;
        private Stores stores;
        private GatehouseConfig config;
        private TimeSource explicitTimeSource;
        private LockoutPolicy explicitPolicy;

        private Builder() {}

        /** Counts where {@code stores} puts {@link Purpose#RATE_LIMITS}, with {@code gatehouse.lockout.*} settings. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** Reads {@code gatehouse.lockout.*} and the rate limits' time source from here. */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The lockout policy (default from the configuration). */
        public Builder policy(LockoutPolicy policy) {
            this.explicitPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock of the in-memory store and of {@link TimeSource#CLIENT}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whose clock decides (default from the configuration: Redis's). */
        public Builder timeSource(TimeSource source) {
            this.explicitTimeSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Hears lockouts. */
        public Builder listener(RateLimitListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the guard: in memory unless {@link #stores} gives Redis.
         *
         * @throws io.gatehouse.config.ConfigException for a bad {@code gatehouse.lockout.*} setting
         */
        public LoginGuard build() {
            GatehouseConfig c = config != null
                    ? config
                    : stores != null
                            ? stores.config()
                            : GatehouseConfig.builder().build();
            if (redis == null && stores != null) {
                redis = StoresRedis.of(stores, Purpose.RATE_LIMITS).orElse(null);
            }
            policy = explicitPolicy != null ? explicitPolicy : LockoutPolicy.fromConfig(c);
            timeSource = explicitTimeSource != null
                    ? explicitTimeSource
                    : RateLimitSettings.read(c).timeSource();
            return new CountingLoginGuard(this);
        }
    }
}
