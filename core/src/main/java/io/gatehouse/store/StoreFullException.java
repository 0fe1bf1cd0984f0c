package io.gatehouse.store;

/**
 * The store refused a write because it is out of memory ({@code maxmemory} reached with the
 * {@code noeviction} policy: Redis answers {@code OOM}). Nothing was written and nothing was evicted;
 * reads still work. It may succeed once memory is freed (keys expire) or raised.
 */
public class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String target, String message) {
        super(target, message);
    }

    @Override
    public boolean transientFailure() {
        return true;
    }
}
