package io.gatehouse.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/*
 * GCRA state in this process: one long (the TAT in microseconds) per policy and subject. Serves the
 * in-memory store and the fallback while Redis is down. Keys are guarded by 256 striped locks, taken in
 * ascending order for multi-limit decisions, so several limits are decided all-or-nothing without a
 * global lock. Drained entries are swept when the map has doubled since the last sweep, so memory stays
 * proportional to the keys active within their periods.
 */
final class InMemoryGcraStore implements GcraStore {
    private static final int STRIPES = 256;

    private final Clock clock;
    private final DecisionSource source;
    private final ConcurrentHashMap<String, Long> tats = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final AtomicInteger sweepAt = new AtomicInteger(1024);

    InMemoryGcraStore(Clock clock, DecisionSource source) {
        this.clock = clock;
        this.source = source;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    static String key(String policy, String subject) {
        return policy + '\u0000' + subject;
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private ReentrantLock lockFor(String key) {
        return locks[(key.hashCode() & 0x7fffffff) % STRIPES];
    }

    @Override
    public Decision decide(Check check, boolean peek) {
        return decideAll(List.of(check), peek).decisions().get(0);
    }

    @Override
    public MultiDecision decideAll(List<Check> checks, boolean peek) {
        int n = checks.size();
        String[] keys = new String[n];
        int[] stripes = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key(checks.get(i).policy().name(), checks.get(i).subject());
            stripes[i] = (keys[i].hashCode() & 0x7fffffff) % STRIPES;
        }
        int[] order = Arrays.stream(stripes).distinct().sorted().toArray();
        for (int s : order) {
            locks[s].lock();
        }
        try {
            long now = nowMicros();
            long[] stored = new long[n];
            boolean all = true;
            for (int i = 0; i < n; i++) {
                Limit l = checks.get(i).policy().limit();
                stored[i] = tats.getOrDefault(keys[i], 0L);
                all &= Gcra.fits(
                        stored[i],
                        now,
                        l.emissionIntervalMicros(),
                        l.burst(),
                        checks.get(i).cost());
            }
            boolean commit = all && !peek;
            Decision[] out = new Decision[n];
            for (int i = 0; i < n; i++) {
                Check c = checks.get(i);
                Limit l = c.policy().limit();
                long interval = l.emissionIntervalMicros();
                boolean fits = Gcra.fits(stored[i], now, interval, l.burst(), c.cost());
                if (commit) {
                    tats.put(keys[i], Gcra.consumed(stored[i], now, interval, c.cost()));
                }
                out[i] = Gcra.decision(
                        c.policy().name(), stored[i], now, interval, l.burst(), c.cost(), fits, commit, source);
            }
            if (commit) {
                maybeSweep(now);
            }
            return new MultiDecision(all, Arrays.asList(out));
        } finally {
            for (int s : order) {
                locks[s].unlock();
            }
        }
    }

    private void maybeSweep(long now) {
        int threshold = sweepAt.get();
        if (tats.size() < threshold || !sweepAt.compareAndSet(threshold, Integer.MAX_VALUE)) {
            return;
        }
        // removeIf on a drained TAT is safe without the stripe lock: a concurrent decision that read it
        // computes from max(TAT, now) = now, exactly what a missing key gives.
        tats.values().removeIf(tat -> tat <= now);
        sweepAt.set(Math.max(1024, tats.size() * 2));
    }

    @Override
    public void reset(String policy, String subject) {
        String key = key(policy, subject);
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            tats.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** Keys held (drained ones may linger until the next sweep). */
    int size() {
        return tats.size();
    }
}
