package io.gatehouse.store;

import java.util.Locale;

/** The state of a Redis target's circuit breaker. */
public enum CircuitState {
    /** Calls go to Redis. */
    CLOSED,
    /** Redis was seen down: calls fail at once while a background probe waits for it to come back. */
    OPEN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
