package io.gatehouse.token;

import io.gatehouse.error.GatehouseException;
import java.time.Duration;

/** A refresh refused by its family's {@link RefreshLimit}: nothing changed; the same token works after {@link #retryAfter()}. */
public final class RefreshLimitedException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    private final transient RefreshLimit limit;
    private final Duration retryAfter;

    RefreshLimitedException(RefreshLimit limit, Duration retryAfter) {
        super(
                "the refresh family used up its " + limit.limit() + " refreshes of " + limit.window(),
                null,
                false,
                false);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    /** The limit that refused. */
    public RefreshLimit limit() {
        return limit;
    }

    /** How long until the family's window ends. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
