package io.gatehouse.event;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded queue of events with many producers and one consumer, lock-free on the producer side.
 *
 * <p>Why not {@link java.util.concurrent.ArrayBlockingQueue}: its {@code offer} takes the same lock as
 * the consumer's {@code drainTo}, so a caller of {@code record()} could wait for a consumer thread that
 * the OS descheduled while holding it (milliseconds and more on a loaded machine). Here a producer only
 * does compare-and-set operations and never waits for another thread: when the queue is full it is told
 * so at once. The consumer parks when the queue is empty; the first producer after that wakes it.
 */
final class EventQueue {
    private final ConcurrentLinkedQueue<SecurityEvent> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private volatile Thread consumer;
    private volatile boolean consumerParked;

    EventQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds the event unless the queue is full; never waits. */
    boolean offer(SecurityEvent e) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        items.offer(e);
        if (consumerParked) {
            consumerParked = false;
            LockSupport.unpark(consumer);
        }
        return true;
    }

    /** Moves up to {@code max} events, oldest first, into {@code out}; returns how many. Consumer only. */
    int drainTo(List<SecurityEvent> out, int max) {
        int n = 0;
        SecurityEvent e;
        while (n < max && (e = items.poll()) != null) {
            out.add(e);
            n++;
        }
        if (n > 0) {
            size.addAndGet(-n);
        }
        return n;
    }

    /** Waits until an event is queued, at most {@code nanos}. Consumer only. */
    void awaitEvents(long nanos) {
        if (!items.isEmpty()) {
            return;
        }
        consumer = Thread.currentThread();
        consumerParked = true;
        // Re-checked after announcing the park: a producer that added before seeing the flag is seen here.
        if (items.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        consumerParked = false;
    }

    int size() {
        return Math.max(0, size.get());
    }

    boolean isEmpty() {
        return items.isEmpty();
    }
}
