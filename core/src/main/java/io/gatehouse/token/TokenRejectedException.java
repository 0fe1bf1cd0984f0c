package io.gatehouse.token;

import io.gatehouse.GatehouseException;
/** A token was refused; {@link #reason()} says why. The message never contains the token. */
public final class TokenRejectedException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public TokenRejectedException(RejectReason reason, String detail) {
        super(reason.code() + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
