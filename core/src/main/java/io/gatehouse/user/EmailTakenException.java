package io.gatehouse.user;

import io.gatehouse.error.GatehouseException;

/** Another user already has this email (compared after normalisation); nothing was changed. */
public final class EmailTakenException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    public EmailTakenException() {
        super("a user with this email already exists");
    }
}
