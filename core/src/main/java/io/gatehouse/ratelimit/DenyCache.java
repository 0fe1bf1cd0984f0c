package io.gatehouse.ratelimit;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Keys refused moments ago, answered in-process until their retry-after passes: an attacker hammering
 * one key costs a map lookup per request instead of a Redis round trip. The hot path is allocation-free:
 * two nested maps (policy name, then subject) so no composite key is built, and the refusal returned is
 * rebuilt at most once per millisecond per key (its retry-after counts down in milliseconds).
 *
 * Bounded: at maxEntries, expired entries are purged; if it is still full, new refusals are simply not
 * cached (those keys go to Redis as without the cache), so a flood of distinct keys cannot grow it.
 */
final class DenyCache {
    private final int maxEntries;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> byPolicy = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    DenyCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The local refusal for a request of {@code cost}, or null if the key is not (or no longer) refused. */
    Decision check(String policy, String subject, long cost, long nowMillis) {
        ConcurrentHashMap<String, Entry> subjects = byPolicy.get(policy);
        if (subjects == null) {
            return null;
        }
        Entry e = subjects.get(subject);
        if (e == null) {
            return null;
        }
        if (nowMillis >= e.untilMillis) {
            if (subjects.remove(subject, e)) {
                size.decrementAndGet();
            }
            return null;
        }
        return cost == 1 ? e.refusalAt(nowMillis) : e.refusal(nowMillis, cost);
    }

    /** Remembers a refusal that a store just gave for {@code check}; returns whether it was cached. */
    boolean remember(Check check, Decision refusal, long nowMillis) {
        long interval = check.policy().limit().emissionIntervalMicros();
        // The refusal is for check.cost() units; a 1-unit request could pass (cost-1) intervals earlier.
        long untilMicros = refusal.retryAfter().toNanos() / 1000 - (check.cost() - 1) * interval;
        if (untilMicros < 1000) {
            return false;
        }
        if (size.get() >= maxEntries) {
            purge(nowMillis);
            if (size.get() >= maxEntries) {
                return false;
            }
        }
        Entry e = new Entry(
                refusal.policy(),
                refusal.limit(),
                interval,
                nowMillis + Limit.ceilDiv(untilMicros, 1000),
                nowMillis + refusal.resetAfter().toMillis());
        if (byPolicy.computeIfAbsent(check.policy().name(), p -> new ConcurrentHashMap<>())
                        .put(check.subject(), e)
                == null) {
            size.incrementAndGet();
        }
        return true;
    }

    void forget(String policy, String subject) {
        ConcurrentHashMap<String, Entry> subjects = byPolicy.get(policy);
        if (subjects != null && subjects.remove(subject) != null) {
            size.decrementAndGet();
        }
    }

    int size() {
        return size.get();
    }

    private void purge(long nowMillis) {
        byPolicy.values()
                .forEach(subjects -> subjects.values().removeIf(e -> {
                    if (nowMillis >= e.untilMillis) {
                        size.decrementAndGet();
                        return true;
                    }
                    return false;
                }));
    }

    private static final class Entry {
        final String policy;
        final long limit;
        final long intervalMicros;
        final long untilMillis;
        final long resetUntilMillis;
        volatile Stamped last;

        Entry(String policy, long limit, long intervalMicros, long untilMillis, long resetUntilMillis) {
            this.policy = policy;
            this.limit = limit;
            this.intervalMicros = intervalMicros;
            this.untilMillis = untilMillis;
            this.resetUntilMillis = Math.max(resetUntilMillis, untilMillis);
        }

        Decision refusalAt(long now) {
            Stamped s = last;
            if (s != null && s.at == now) {
                return s.decision;
            }
            Decision d = refusal(now, 1);
            last = new Stamped(now, d);
            return d;
        }

        Decision refusal(long now, long cost) {
            long retryMicros = (untilMillis - now) * 1000 + (cost - 1) * intervalMicros;
            return new Decision(
                    policy,
                    false,
                    limit,
                    0,
                    Duration.ofNanos(retryMicros * 1000),
                    Duration.ofMillis(resetUntilMillis - now),
                    DecisionSource.LOCAL_DENY);
        }
    }

    private record Stamped(long at, Decision decision) {}
}
