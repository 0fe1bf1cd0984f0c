package io.gatehouse.ratelimit;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login-failure counters in this process, with the arithmetic of lockout.lua. Redis forgets a counter through
 * its key TTL; here every {@value #SWEEP_EVERY}th update sweeps the counters past their expiry, so the map
 * holds at most what the last failure-reset period (plus lockouts) produced, not every address ever seen.
 */
final class InMemoryLockoutStore implements LockoutStore {
    static final int SWEEP_EVERY = 256;

    private final Clock clock;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private long updates;

    InMemoryLockoutStore(Clock clock) {
        this.clock = clock;
    }

    private static String key(String kind, String tag, String counter) {
        return kind + '\u0000' + tag + '\u0000' + counter;
    }

    @Override
    public CompletableFuture<GroupState> apply(
            boolean fail, String kind, String tag, List<String> names, int[] maxFailures, LockoutPolicy policy) {
        return CompletableFuture.completedFuture(applyNow(fail, kind, tag, names, maxFailures, policy));
    }

    @Override
    public GroupState await(CompletableFuture<GroupState> pending) {
        return pending.join();
    }

    private synchronized GroupState applyNow(
            boolean fail, String kind, String tag, List<String> names, int[] maxFailures, LockoutPolicy policy) {
        long now = clock.millis();
        if (++updates % SWEEP_EVERY == 0) {
            counters.values().removeIf(c -> !c.permanent && now >= c.expiresAt);
        }
        int n = names.size();
        GroupState s = new GroupState(now, new long[n], new boolean[n], new boolean[n]);
        for (int i = 0; i < n; i++) {
            if (maxFailures[i] == 0) {
                continue; // a dimension switched off is not enforced, even if it has counters from before
            }
            String key = key(kind, tag, names.get(i));
            Counter c = counters.get(key);
            if (c != null && !c.permanent && now >= c.expiresAt) {
                counters.remove(key);
                c = null;
            }
            if (c == null) {
                c = new Counter();
            }
            if (fail && maxFailures[i] > 0 && !c.permanent && c.lockedUntil <= now) {
                c.failures++;
                if (c.failures >= maxFailures[i]) {
                    c.lockouts++;
                    c.failures = 0;
                    c.lockedUntil = now + policy.waitMillis(c.lockouts);
                    s.newlyLocked()[i] = true;
                    if (policy.permanentAfter() > 0 && c.lockouts >= policy.permanentAfter()) {
                        c.permanent = true;
                    }
                }
                c.expiresAt =
                        Math.max(c.lockedUntil, now) + policy.failureReset().toMillis();
                counters.put(key, c);
            }
            s.lockedUntil()[i] = c.lockedUntil;
            s.permanent()[i] = c.permanent;
        }
        return s;
    }

    @Override
    public synchronized void clear(String kind, String tag, List<String> names) {
        names.forEach(name -> counters.remove(key(kind, tag, name)));
    }

    @Override
    public synchronized void unlock(String kind, String tag) {
        String prefix = kind + '\u0000' + tag + '\u0000';
        counters.keySet().removeIf(k -> k.startsWith(prefix));
    }

    @Override
    public synchronized List<ActiveLockout> locked(int max) {
        long now = clock.millis();
        List<ActiveLockout> out = new java.util.ArrayList<>();
        for (var e : counters.entrySet()) {
            LockoutStatus status = LockoutStatus.of(e.getValue().lockedUntil, e.getValue().permanent, now);
            String[] parts = e.getKey().split("\u0000", 3);
            ActiveLockout l =
                    status.locked() ? CountingLoginGuard.describe(parts[0], parts[1], parts[2], status) : null;
            if (l != null && out.size() < max) {
                out.add(l);
            }
        }
        return out;
    }

    /** How many counters are held (tests). */
    synchronized int size() {
        return counters.size();
    }

    private static final class Counter {
        long failures;
        long lockouts;
        long lockedUntil;
        boolean permanent;
        long expiresAt;
    }
}
