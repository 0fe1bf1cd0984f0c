package io.gatehouse.user;

import io.gatehouse.error.GatehouseException;

/**
 * Every permit for password hashing is in use: the request is refused at once (503 with {@code Retry-After})
 * instead of queueing Argon2id work, whose memory (19 MiB each by default) and CPU a burst of requests would
 * otherwise multiply without bound.
 */
public final class HashingBusyException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    HashingBusyException(int permits) {
        super("all " + permits + " password hashing permits are in use; retry shortly", null, false, false);
    }
}
