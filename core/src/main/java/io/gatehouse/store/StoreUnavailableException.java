package io.gatehouse.store;

/**
 * The store cannot be reached: the connection is refused or lost, the server is loading or failing
 * over, or its circuit is open because it was seen down moments ago (then the call failed at once,
 * without waiting for a timeout).
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String target, String message) {
        super(target, message);
    }

    @Override
    public boolean transientFailure() {
        return true;
    }
}
