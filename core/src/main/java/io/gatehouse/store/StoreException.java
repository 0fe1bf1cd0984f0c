package io.gatehouse.store;

import io.gatehouse.error.GatehouseException;

/**
 * A store operation failed. Subclasses say how: the store cannot be reached
 * ({@link StoreUnavailableException}), it did not answer in time ({@link StoreTimeoutException}), or it
 * refused the command ({@link StoreCommandException}, {@link StoreScriptException}).
 */
public abstract class StoreException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final String target;

    protected StoreException(String target, String message) {
        super(message);
        this.target = target;
    }

    /** Which store failed: the purposes it serves and its redacted address. */
    public String target() {
        return target;
    }

    /** Whether trying again later may succeed (unavailable and timed-out stores may come back). */
    public abstract boolean transientFailure();
}
