package io.gatehouse.mfa;

import io.gatehouse.error.GatehouseException;

/** A second-factor action that cannot be done in the user's present state, or at all without the MFA key. */
public final class SecondFactorException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** {@code gatehouse.mfa.encryption-key} is not set: secrets could not be kept safe. */
        UNAVAILABLE,
        /** The user already has a confirmed second factor (disable it first). */
        ALREADY_ENABLED,
        /** The user has no (confirmed, or for confirmation: pending) second factor. */
        NOT_ENROLLED
    }

    private final Reason reason;

    SecondFactorException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
