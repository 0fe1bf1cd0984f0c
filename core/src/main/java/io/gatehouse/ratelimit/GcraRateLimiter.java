package io.gatehouse.ratelimit;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one RateLimiter: a store (Redis or memory), the local deny cache in front of it, and for Redis a
 * per-process in-memory store behind it for StoreDownMode.FALLBACK. Order of a decision:
 *   1. deny cache (no I/O, no allocation);
 *   2. the store (one EVALSHA, or one pipelined round trip for several slots);
 *   3. if the store is unavailable or timed out: the policy's store-down mode. While the circuit is open
 *      the connector fails in microseconds, so step 3 answers at once rather than after a timeout.
 * Refusals from 2 or 3 enter the deny cache and are reported to the listener (once per deny period).
 */
final class GcraRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(GcraRateLimiter.class);
    /** What a fail-closed refusal asks the client to wait: long enough not to hammer, short enough to recover. */
    static final Duration FAIL_CLOSED_RETRY = Duration.ofSeconds(1);

    private final RedisConnector redis;
    private final GcraStore store;
    private final InMemoryGcraStore fallback;
    private final DenyCache deny;
    private final Clock clock;
    private final RateLimitListener listener;
    private volatile boolean fallingBack;
    private final String resetChannel;
    private final AutoCloseable resetSubscription;

    GcraRateLimiter(Builder b) {
        this.redis = b.redis;
        this.clock = b.clock;
        this.listener = b.listener;
        this.deny = b.denyCache ? new DenyCache(b.denyCacheMaxEntries) : null;
        if (redis == null) {
            this.store = new InMemoryGcraStore(clock, DecisionSource.MEMORY);
            this.fallback = null;
        } else {
            this.store = new RedisGcraStore(redis, clock, b.timeSource, b.crossSlot);
            this.fallback = new InMemoryGcraStore(clock, DecisionSource.FALLBACK);
        }
        this.resetChannel = redis == null ? null : redis.keys().channel("rl-reset");
        this.resetSubscription = redis == null ? null : subscribeToResets();
    }

    /*
     * An administrator's reset (often from another process: the CLI) must not be undone by other
     * instances' deny caches answering "refused" until their retry-after. So resets are announced on
     * Pub/Sub and every instance drops its local state for the key. A hint only: if it is lost (the
     * Pub/Sub connection was down), the local entry still ends at its retry-after.
     */
    private AutoCloseable subscribeToResets() {
        try {
            return redis.subscribe(resetChannel, message -> {
                int sep = message.indexOf('\n');
                if (sep > 0) {
                    forgetLocally(message.substring(0, sep), message.substring(sep + 1));
                }
            });
        } catch (StoreException e) {
            log.warn(
                    "Rate limits: cannot subscribe to reset announcements ({}); a reset elsewhere reaches this "
                            + "instance's deny cache only when its entries expire",
                    e.getMessage());
            return null;
        }
    }

    private void forgetLocally(String policy, String subject) {
        if (deny != null) {
            deny.forget(policy, subject);
        }
        if (fallback != null) {
            fallback.reset(policy, subject);
        }
    }

    @Override
    public Decision decide(RatePolicy policy, String subject, long cost) {
        Decision d = decideOne(policy, subject, cost);
        decided(d);
        return d;
    }

    @Override
    public MultiDecision decideAll(List<Check> checks) {
        MultiDecision m = decideMany(checks);
        for (Decision d : m.decisions()) {
            decided(d);
        }
        return m;
    }

    private void decided(Decision d) {
        try {
            listener.decided(d);
        } catch (RuntimeException ex) {
            log.warn("rate-limit listener failed", ex);
        }
    }

    private Decision decideOne(RatePolicy policy, String subject, long cost) {
        if (deny != null
                && policy != null
                && subject != null
                && cost >= 1
                && cost <= policy.limit().burst()) {
            Decision local = deny.check(policy.name(), subject, cost, clock.millis());
            if (local != null) {
                return local;
            }
        }
        Check check = new Check(policy, subject, cost);
        Decision d;
        try {
            d = store.decide(check, false);
            recovered();
        } catch (StoreUnavailableException | StoreTimeoutException e) {
            d = storeDown(check, e);
        }
        if (!d.allowed()) {
            refused(check, d);
        }
        return d;
    }

    private MultiDecision decideMany(List<Check> checks) {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("decideAll needs at least one check");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Check c : checks) {
            if (!seen.add(InMemoryGcraStore.key(c.policy().name(), c.subject()))) {
                throw new IllegalArgumentException("policy " + c.policy().name()
                        + " for one subject appears twice in one " + "decision; give it once with the summed cost");
            }
        }
        if (deny != null) {
            long now = clock.millis();
            List<Decision> local = new ArrayList<>(1);
            for (Check c : checks) {
                Decision d = deny.check(c.policy().name(), c.subject(), c.cost(), now);
                if (d != null) {
                    local.add(d);
                }
            }
            if (!local.isEmpty()) {
                return new MultiDecision(false, local);
            }
        }
        MultiDecision m;
        try {
            m = store.decideAll(checks, false);
            recovered();
        } catch (StoreUnavailableException | StoreTimeoutException e) {
            m = storeDownAll(checks, e);
        }
        if (!m.allowed()) {
            for (int i = 0; i < m.decisions().size() && i < checks.size(); i++) {
                Decision d = m.decisions().get(i);
                if (!d.allowed() && d.policy().equals(checks.get(i).policy().name())) {
                    refused(checks.get(i), d);
                }
            }
        }
        return m;
    }

    @Override
    public Decision peek(RatePolicy policy, String subject) {
        Check check = new Check(policy, subject, 1);
        try {
            Decision d = store.decide(check, true);
            recovered();
            return d;
        } catch (StoreUnavailableException | StoreTimeoutException e) {
            if (policy.onStoreDown() == StoreDownMode.FALLBACK) {
                markFallingBack(e);
                return fallback.decide(check, true);
            }
            throw e;
        }
    }

    @Override
    public void reset(RatePolicy policy, String subject) {
        Check.requireSubject(subject);
        forgetLocally(policy.name(), subject);
        store.reset(policy.name(), subject);
        if (redis != null) {
            try {
                redis.publish(resetChannel, policy.name() + "\n" + subject);
            } catch (StoreException e) {
                log.warn(
                        "Rate limits: reset of {} not announced to other instances: {}", policy.name(), e.getMessage());
            }
        }
    }

    @Override
    public HealthStatus health() {
        if (redis == null) {
            return HealthStatus.HEALTHY;
        }
        return fallingBack || redis.circuitState() == CircuitState.OPEN ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    }

    private Decision storeDown(Check check, StoreException e) {
        RatePolicy p = check.policy();
        markFallingBack(e);
        return switch (p.onStoreDown()) {
            case FALLBACK -> fallback.decide(check, false);
            case FAIL_OPEN ->
                new Decision(
                        p.name(),
                        true,
                        p.limit().burst(),
                        p.limit().burst() - check.cost(),
                        Duration.ZERO,
                        Duration.ZERO,
                        DecisionSource.FAIL_OPEN);
            case FAIL_CLOSED ->
                new Decision(
                        p.name(),
                        false,
                        p.limit().burst(),
                        0,
                        FAIL_CLOSED_RETRY,
                        FAIL_CLOSED_RETRY,
                        DecisionSource.FAIL_CLOSED);
        };
    }

    private MultiDecision storeDownAll(List<Check> checks, StoreException e) {
        List<Check> viaFallback = new ArrayList<>();
        boolean closed = false;
        for (Check c : checks) {
            if (c.policy().onStoreDown() == StoreDownMode.FALLBACK) {
                viaFallback.add(c);
            } else if (c.policy().onStoreDown() == StoreDownMode.FAIL_CLOSED) {
                closed = true;
            }
        }
        markFallingBack(e);
        MultiDecision fb = null;
        if (!closed && !viaFallback.isEmpty()) {
            fb = fallback.decideAll(viaFallback, false);
        }
        boolean allowed = !closed && (fb == null || fb.allowed());
        List<Decision> out = new ArrayList<>(checks.size());
        int next = 0;
        for (Check c : checks) {
            if (c.policy().onStoreDown() == StoreDownMode.FALLBACK && fb != null) {
                out.add(fb.decisions().get(next++));
            } else {
                out.add(storeDown(c, e));
            }
        }
        return new MultiDecision(allowed, out);
    }

    private void refused(Check check, Decision d) {
        if (d.source() == DecisionSource.FAIL_CLOSED || d.source() == DecisionSource.LOCAL_DENY) {
            return;
        }
        boolean started = deny == null || deny.remember(check, d, clock.millis());
        if (started) {
            try {
                listener.exceeded(check.subject(), d);
            } catch (RuntimeException ex) {
                log.warn("rate-limit listener failed", ex);
            }
        }
    }

    private void markFallingBack(StoreException e) {
        if (!fallingBack) {
            fallingBack = true;
            log.warn("Rate limits: Redis unavailable ({}); store-down modes answer until it is back", e.getMessage());
        }
    }

    private void recovered() {
        if (fallingBack) {
            fallingBack = false;
            log.info("Rate limits: Redis answers again; decisions are shared again");
        }
    }

    @Override
    public void close() {
        // The connector belongs to the caller; only this limiter's subscription is ours.
        if (resetSubscription != null) {
            try {
                resetSubscription.close();
            } catch (Exception e) {
                log.debug("closing the reset subscription failed", e);
            }
        }
    }
}
