package io.gatehouse.token;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The revocation log of a single process: the same contract as the Redis one (index, bounded feed
 * with positions, gap detection), so the reader and the contract tests run unchanged in memory.
 * Positions are {@code <sequence>-0}.
 */
final class InMemoryRevocationLog implements RevocationLog {
    private final long maxLength;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final Map<RevocationKind, Map<String, LocalRevocationState.Entry>> index =
            new EnumMap<>(RevocationKind.class);
    private final Deque<Positioned> feed = new ArrayDeque<>();
    private long lastSequence;
    private long maxDeleted;

    InMemoryRevocationLog(long maxLength) {
        this.maxLength = maxLength;
        for (RevocationKind k : RevocationKind.values()) {
            index.put(k, new HashMap<>());
        }
    }

    @Override
    public void append(List<Revocation> entries, long nowMs) {
        lock.lock();
        try {
            index.values().forEach(m -> m.values().removeIf(e -> e.until() < nowMs));
            for (Revocation r : entries) {
                LocalRevocationState.Entry merged = index.get(r.kind())
                        .merge(
                                r.id(),
                                LocalRevocationState.entryOf(r),
                                (a, b) -> LocalRevocationState.merge(r.kind(), a, b));
                feed.addLast(new Positioned(
                        ++lastSequence + "-0", LocalRevocationState.revocationOf(r.kind(), r.id(), merged)));
                while (feed.size() > maxLength) {
                    maxDeleted = sequence(feed.removeFirst().position());
                }
            }
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Snapshot snapshot(long nowMs) {
        lock.lock();
        try {
            List<Revocation> all = new ArrayList<>();
            index.forEach((kind, m) -> m.forEach((id, e) -> {
                if (e.until() >= nowMs) {
                    all.add(LocalRevocationState.revocationOf(kind, id, e));
                }
            }));
            return new Snapshot(lastSequence + "-0", all);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void cleanup(long nowMs) {
        lock.lock();
        try {
            index.values().forEach(m -> m.values().removeIf(e -> e.until() < nowMs));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Feed openFeed() {
        return new Feed() {
            private volatile boolean closed;

            @Override
            public List<Positioned> read(String position, Duration maxWait) {
                long after = sequence(position);
                long deadline = System.nanoTime() + maxWait.toNanos();
                lock.lock();
                try {
                    while (!closed && lastSequence <= after) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return List.of();
                        }
                        appended.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                    }
                    List<Positioned> out = new ArrayList<>();
                    for (Positioned p : feed) {
                        if (sequence(p.position()) > after) {
                            out.add(p);
                        }
                    }
                    return out;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public boolean hasGap(String position) {
                lock.lock();
                try {
                    long p = sequence(position);
                    return maxDeleted > p || p > lastSequence;
                } finally {
                    lock.unlock();
                }
            }

            /** Ends a read in progress at once (called from the thread that closes the link). */
            @Override
            public void close() {
                lock.lock();
                try {
                    closed = true;
                    appended.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    private static long sequence(String position) {
        return Long.parseLong(position.substring(0, position.indexOf('-')));
    }
}
