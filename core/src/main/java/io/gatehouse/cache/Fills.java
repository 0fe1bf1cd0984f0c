package io.gatehouse.cache;

import java.util.concurrent.Semaphore;

/*
 * The bound on the loaders' writes that getOrLoad does not wait for (gatehouse.cache.fills-in-flight),
 * shared by every cache of one Caches. A miss returns the loaded value as soon as its write is handed to
 * the store while fewer than max such writes are outstanding; beyond that its caller waits for its own
 * write as before, so a slow or unreachable Redis cannot pile up writes (each still ends by the command
 * timeout). max 0: every caller waits for its write.
 */
final class Fills {
    private final int max;
    private final Semaphore places;

    Fills(int max) {
        this.max = max;
        this.places = new Semaphore(max);
    }

    /** Takes a place for one write nobody waits for; false when {@code max} are outstanding. */
    boolean tryAcquire() {
        return places.tryAcquire();
    }

    /** The write of a place taken by {@link #tryAcquire} was answered (or failed). */
    void release() {
        places.release();
    }

    /** The writes outstanding now that no caller waits for. */
    int inFlight() {
        return max - places.availablePermits();
    }
}
