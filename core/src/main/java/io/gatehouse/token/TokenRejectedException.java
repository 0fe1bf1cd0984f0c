package io.gatehouse.token;

import io.gatehouse.error.GatehouseException;

/** A token was refused; {@link #reason()} says why. The message never contains the token. */
public final class TokenRejectedException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final String sessionId;

    public TokenRejectedException(RejectReason reason, String detail) {
        this(reason, detail, null);
    }

    TokenRejectedException(RejectReason reason, String detail, String sessionId) {
        super(reason.code() + ": " + detail, null, false, false);
        this.reason = reason;
        this.sessionId = sessionId;
    }

    /**
     * For {@link RejectReason#REFRESH_REUSED}: the session of the reused token (authenticated: the rotation
     * matched its hash or verified its signature), whose tokens are revoked and which the caller should end.
     */
    public java.util.Optional<String> sessionId() {
        return java.util.Optional.ofNullable(sessionId);
    }

    public RejectReason reason() {
        return reason;
    }
}
