package io.gatehouse.token;

import static org.awaitility.Awaitility.await;

import io.gatehouse.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady security-write load for fault tests: each thread issues a token pair for a new session, then
 * revokes the session (a logout), over and over. A revocation that returned is acknowledged and
 * recorded with its access token, so a test can check afterwards that none was undone. Failures are
 * counted by exception type; only Gatehouse's {@link StoreException}s are expected.
 */
final class RevocationLoad implements AutoCloseable {
    /** An acknowledged logout: the session and a token that must stay refused. */
    record Acknowledged(String sessionId, String accessToken, long completedNanos) {}

    private final TokenService service;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, String> lastMessages = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> foreign = new ConcurrentLinkedQueue<>();
    private final ConcurrentSkipListSet<Long> completions = new ConcurrentSkipListSet<>();
    private final AtomicLong longestCallNanos = new AtomicLong();
    private final AtomicLong longestRevokeNanos = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final Thread[] threads;

    RevocationLoad(TokenService service, String name, int threadCount) {
        this.service = service;
        this.threads = new Thread[threadCount];
        for (int t = 0; t < threadCount; t++) {
            threads[t] = new Thread(() -> loop(name), "load-" + name + "-" + t);
            threads[t].setDaemon(true);
            threads[t].start();
        }
    }

    private void loop(String name) {
        while (running.get()) {
            String session = name + "-" + sequence.incrementAndGet();
            long start = System.nanoTime();
            try {
                TokenPair pair = service.issue(TokenRequest.of("user-" + session, session));
                long revokeStart = System.nanoTime();
                try {
                    service.revokeSession(session, "logout", Instant.now().plus(Duration.ofHours(1)));
                } finally {
                    longestRevokeNanos.accumulateAndGet(System.nanoTime() - revokeStart, Math::max);
                }
                long done = System.nanoTime();
                acknowledged.add(new Acknowledged(session, pair.accessToken(), done));
                completions.add(done);
            } catch (StoreException e) {
                failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
                lastMessages.put(e.getClass().getSimpleName(), e.getMessage());
                // A failed call that returned at once (open circuit) must not spin the CPU.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            } catch (Throwable e) {
                foreign.add(e);
            }
            longestCallNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        }
    }

    /** Waits until {@code more} logouts were acknowledged after this call. */
    void awaitMore(int more, Duration atMost) {
        long target = acknowledged.size() + more;
        await().atMost(atMost).until(() -> acknowledged.size() >= target);
    }

    List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    Map<String, Long> failures() {
        Map<String, Long> out = new java.util.TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The last message of each failure type, for the report. */
    Map<String, String> lastMessages() {
        return Map.copyOf(lastMessages);
    }

    /**
     * The longest time between two acknowledged logouts completed within [from, to]: how long clients
     * saw no write succeed (the outage) around a fault injected in that window.
     */
    Duration longestGap(long fromNanos, long toNanos) {
        long longest = 0;
        Long previous = completions.floor(fromNanos);
        for (Long t : completions.subSet(fromNanos, true, toNanos, true)) {
            if (previous != null) {
                longest = Math.max(longest, t - previous);
            }
            previous = t;
        }
        return Duration.ofNanos(longest);
    }

    List<Throwable> foreign() {
        return List.copyOf(foreign);
    }

    /** The longest single revocation call (one Redis script call), failed or not. */
    Duration longestRevocation() {
        return Duration.ofNanos(longestRevokeNanos.get());
    }

    Duration longestCall() {
        return Duration.ofNanos(longestCallNanos.get());
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
