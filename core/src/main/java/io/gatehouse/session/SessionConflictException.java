package io.gatehouse.session;

import io.gatehouse.error.GatehouseException;

/**
 * A session kept changing under a read-modify-write (its attributes were updated by other requests
 * between every read and write): nothing was changed by this call, and retrying it later may succeed.
 */
public final class SessionConflictException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    public SessionConflictException(String message) {
        super(message);
    }
}
