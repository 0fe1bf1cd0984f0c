package io.gatehouse.store;

/** The store did not answer within the configured command timeout. */
public class StoreTimeoutException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreTimeoutException(String target, String message) {
        super(target, message);
    }

    @Override
    public boolean transientFailure() {
        return true;
    }
}
