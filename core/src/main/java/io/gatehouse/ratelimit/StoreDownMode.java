package io.gatehouse.ratelimit;

import java.util.Locale;

/** What a policy answers while its Redis deployment is unavailable (circuit open, or a timeout). */
public enum StoreDownMode {
    /**
     * Decide with a per-process in-memory GCRA (the default). Each instance then enforces the limit on
     * its own, so N instances together admit up to N times the limit until Redis is back.
     */
    FALLBACK,
    /** Allow every request: availability over protection (for limits that only shape load). */
    FAIL_OPEN,
    /** Refuse every request: protection over availability (for limits that guard something costly). */
    FAIL_CLOSED;

    /** {@code fallback}, {@code fail-open}, {@code fail-closed}, as written in configuration. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static StoreDownMode parse(String text) {
        for (StoreDownMode m : values()) {
            if (m.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        return null;
    }
}
