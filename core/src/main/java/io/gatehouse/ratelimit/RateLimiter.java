package io.gatehouse.ratelimit;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.HealthStatus;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Rate limits decided by GCRA, in Redis (shared by every instance) or in memory.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder().stores(stores).build();
 * RatePolicy perIp = RatePolicy.of("login-ip", Limit.perMinute(10));
 * Decision d = limiter.decide(perIp, clientIp);
 * if (!d.allowed()) { ... RateLimitResponse.of(perIp, d, Instant.now()) -> 429 with Retry-After ... }
 * }</pre>
 *
 * <p>Limits travel with each call, so changing a policy takes effect at the next decision. Every
 * decision against Redis is one {@code EVALSHA}; refused keys are then answered from a local deny cache
 * until their retry-after passes. While Redis is unavailable, each policy falls back, fails open or fails
 * closed ({@link StoreDownMode}) at once, without waiting on timeouts, and {@link #health()} is degraded.
 *
 * <p>Thread-safe. Errors: {@link IllegalArgumentException} for bad input (nothing is changed);
 * {@link io.gatehouse.store.StoreException} only from {@link #peek} and {@link #reset} while Redis is
 * unavailable (decisions never throw for an unavailable store: the policy's mode answers instead).
 */
public interface RateLimiter extends AutoCloseable {

    /** Decides one request of cost 1. */
    default Decision decide(RatePolicy policy, String subject) {
        return decide(policy, subject, 1);
    }

    /** Decides one request taking {@code cost} units (1 to the policy's burst). */
    Decision decide(RatePolicy policy, String subject, long cost);

    /** Decides several limits of one request together; see {@link MultiDecision} and {@link CrossSlotMode}. */
    MultiDecision decideAll(List<Check> checks);

    /** {@link #decideAll(List)} for a few checks. */
    default MultiDecision decideAll(Check... checks) {
        return decideAll(List.of(checks));
    }

    /** Whether a request of cost 1 would be allowed now, and what remains, without consuming anything. */
    Decision peek(RatePolicy policy, String subject);

    /**
     * Forgets a subject's state under a policy (admin reset): in Redis, in this instance's deny cache and
     * fallback, and (announced on Pub/Sub) in the deny caches of the other instances.
     */
    void reset(RatePolicy policy, String subject);

    /** Healthy, or degraded while Redis is unavailable and the store-down modes answer. */
    HealthStatus health();

    /** Ends this limiter's reset subscription; does not close the Redis connector, which the caller (or {@link Stores}) owns. */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RateLimiter}: in memory unless given a Redis connector or stores with one. */
    final class Builder {
        // Resolved by build(): what was set explicitly wins over the configuration, whatever the call order.
        RedisConnector redis;
        Clock clock = Clock.systemUTC();
        TimeSource timeSource;
        CrossSlotMode crossSlot;
        boolean denyCache;
        int denyCacheMaxEntries;
        RateLimitListener listener = RateLimitListener.NONE;
        private Stores stores;
        private GatehouseConfig config;
        private TimeSource explicitTimeSource;
        private CrossSlotMode explicitCrossSlot;
        private Boolean explicitDenyCache;
        private Integer explicitDenyCacheMaxEntries;

        private Builder() {}

        /**
         * Decide where {@code stores} puts {@link Purpose#RATE_LIMITS}, and read its configuration (unless
         * {@link #config} says otherwise).
         */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** Reads {@code gatehouse.ratelimit.*} (time source, cross-slot mode, deny cache) from here. */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clock of the in-memory limiter, the local deny cache and of {@link TimeSource#CLIENT}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whose clock decides (default from the configuration: Redis's). */
        public Builder timeSource(TimeSource source) {
            this.explicitTimeSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** How checks on keys of several Cluster slots are decided (default from the configuration). */
        public Builder crossSlot(CrossSlotMode mode) {
            this.explicitCrossSlot = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Whether refused keys are answered locally until their retry-after passes (default true). */
        public Builder denyCache(boolean enabled) {
            this.explicitDenyCache = enabled;
            return this;
        }

        /** The most keys the local deny cache holds (at least 1). */
        public Builder denyCacheMaxEntries(int max) {
            this.explicitDenyCacheMaxEntries = max;
            return this;
        }

        /** Hears every decision, refusals and lockouts. */
        public Builder listener(RateLimitListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the limiter: in memory unless {@link #stores} gives Redis.
         *
         * @throws io.gatehouse.config.ConfigException for a bad {@code gatehouse.ratelimit.*} setting
         * @throws IllegalArgumentException for a deny cache of fewer than 1 entry
         */
        public RateLimiter build() {
            GatehouseConfig c = config != null
                    ? config
                    : stores != null
                            ? stores.config()
                            : GatehouseConfig.builder().build();
            RateLimitSettings s = RateLimitSettings.read(c);
            if (redis == null && stores != null) {
                redis = StoresRedis.of(stores, Purpose.RATE_LIMITS).orElse(null);
            }
            timeSource = explicitTimeSource != null ? explicitTimeSource : s.timeSource();
            crossSlot = explicitCrossSlot != null ? explicitCrossSlot : s.crossSlot();
            denyCache = explicitDenyCache != null ? explicitDenyCache : s.denyCache();
            denyCacheMaxEntries =
                    explicitDenyCacheMaxEntries != null ? explicitDenyCacheMaxEntries : s.denyCacheMaxEntries();
            if (denyCacheMaxEntries < 1) {
                throw new IllegalArgumentException("the deny cache needs room for at least 1 entry");
            }
            return new GcraRateLimiter(this);
        }
    }
}
