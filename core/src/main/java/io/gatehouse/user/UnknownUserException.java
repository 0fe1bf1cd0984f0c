package io.gatehouse.user;

import io.gatehouse.error.GatehouseException;

/** No user has this id; nothing was changed. */
public final class UnknownUserException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    public UnknownUserException(String userId) {
        super("no user with id " + userId);
    }
}
