package io.gatehouse.store;

/**
 * The store answered with an error: a command it refuses (permissions, wrong type, cross-slot keys)
 * or a bug. Retrying the same call will fail the same way.
 */
public class StoreCommandException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreCommandException(String target, String message) {
        super(target, message);
    }

    @Override
    public boolean transientFailure() {
        return false;
    }
}
