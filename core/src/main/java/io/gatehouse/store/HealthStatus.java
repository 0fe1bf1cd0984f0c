package io.gatehouse.store;

import java.util.Collection;
import java.util.Locale;

/** Overall state of a part of Gatehouse, as {@code /health} reports it. */
public enum HealthStatus {
    /** Working as configured. */
    HEALTHY,
    /** Serving, but not as configured: a store is down and a fallback answers, or it is slow. */
    DEGRADED,
    /** Not serving. */
    UNHEALTHY;

    /** The lower-case name used in JSON: {@code healthy}, {@code degraded}, {@code unhealthy}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Combines the statuses of parts: healthy when all are, unhealthy when all are, degraded otherwise
     * (some part is down or slow while others still serve). No parts at all is healthy.
     */
    public static HealthStatus aggregate(Collection<HealthStatus> parts) {
        if (parts.isEmpty() || parts.stream().allMatch(s -> s == HEALTHY)) {
            return HEALTHY;
        }
        if (parts.stream().allMatch(s -> s == UNHEALTHY)) {
            return UNHEALTHY;
        }
        return DEGRADED;
    }
}
