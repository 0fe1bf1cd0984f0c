package io.gatehouse.ratelimit;

import java.time.Duration;

/** The short duration forms of the configuration ({@code 250ms}, {@code 2s}, {@code 15m}, {@code 1h}, {@code 1d}). */
final class Durations {
    private Durations() {}

    /** The duration, or null if {@code text} is not one (the configuration's one parser). */
    static Duration parse(String text) {
        return io.gatehouse.config.GatehouseConfig.parseDuration(text).orElse(null);
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
