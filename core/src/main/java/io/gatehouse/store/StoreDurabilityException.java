package io.gatehouse.store;

/**
 * A security write was applied by the master but fewer replicas than required confirmed it within the
 * durability timeout ({@code gatehouse.redis.<purpose>.durability = replicated}): it is not
 * acknowledged, because a failover now could undo it. The caller may retry (the writes are
 * idempotent); revocations are kept in the instance's local revocation state regardless.
 */
public class StoreDurabilityException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final long confirmed;
    private final int required;

    public StoreDurabilityException(String target, long confirmed, int required, String message) {
        super(target, message);
        this.confirmed = confirmed;
        this.required = required;
    }

    /** How many replicas confirmed the write in time. */
    public long confirmed() {
        return confirmed;
    }

    /** How many replicas had to. */
    public int required() {
        return required;
    }

    @Override
    public boolean transientFailure() {
        return true;
    }
}
