package io.gatehouse.ratelimit;

import java.time.Duration;
import java.util.Locale;

/** The short duration forms of the configuration ({@code 250ms}, {@code 2s}, {@code 15m}, {@code 1h}, {@code 1d}). */
final class Durations {
    private Durations() {
    }

    /** The duration, or null if {@code text} is not one. */
    static Duration parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < v.length() && (Character.isDigit(v.charAt(split)) || v.charAt(split) == '_')) {
            split++;
        }
        if (split == 0) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(v.substring(0, split).replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
        return switch (v.substring(split).trim()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m", "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> null;
        };
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
