package io.gatehouse.user;

import io.gatehouse.error.GatehouseException;

/**
 * The user database failed (unreachable, timed out, or refused a statement for a reason that is not
 * the caller's input). The HTTP layer answers 503: it is the server's problem, not the client's.
 */
public final class UserStoreException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    public UserStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
