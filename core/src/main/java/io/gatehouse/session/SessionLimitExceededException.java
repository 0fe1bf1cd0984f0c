package io.gatehouse.session;

import io.gatehouse.error.GatehouseException;

/** A new session was refused because the user has {@link #limit()} live sessions and the policy is {@link LimitPolicy#REFUSE}. */
public final class SessionLimitExceededException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final String userId;
    private final int limit;

    public SessionLimitExceededException(String userId, int limit) {
        super("user " + userId + " already has " + limit
                + " live sessions (gatehouse.sessions.max-per-user, policy refuse)");
        this.userId = userId;
        this.limit = limit;
    }

    public String userId() {
        return userId;
    }

    public int limit() {
        return limit;
    }
}
