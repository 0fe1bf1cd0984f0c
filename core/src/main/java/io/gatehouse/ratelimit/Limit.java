package io.gatehouse.ratelimit;

import java.time.Duration;
import java.util.Locale;

/**
 * A rate: {@code count} units per {@code period}, with bursts of up to {@code burst} units at once.
 *
 * <p>Decided by GCRA (the generic cell rate algorithm): units are spaced by the emission interval
 * {@code period / count}, and up to {@code burst} of them may arrive at once. Over any window of
 * length {@code w}, at most {@code burst + count * w / period} units are allowed.
 *
 * <p>The emission interval is kept in whole microseconds, rounded <em>up</em>, so rounding can only
 * make the effective rate slightly lower than configured, never higher.
 *
 * @param count  units per period, at least 1
 * @param period the period, at least 1 ms
 * @param burst  how many units may be taken at once, at least 1 (the bucket's capacity)
 */
public record Limit(long count, Duration period, long burst) {
    public Limit {
        if (count < 1) {
            throw new IllegalArgumentException("a limit's count must be at least 1, not " + count);
        }
        if (period == null || period.toMillis() < 1) {
            throw new IllegalArgumentException("a limit's period must be at least 1 ms, not " + period);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a limit's burst must be at least 1, not " + burst);
        }
        if (periodMicros(period) / count > 1_000_000L * 86_400 * 365) {
            throw new IllegalArgumentException("a limit slower than one unit per year is not supported");
        }
        // Lua numbers are doubles: TATs (about 2^51 microseconds since the epoch) plus burst * interval
        // must stay exact below 2^53.
        if (burst > (1L << 50) / ceilDiv(periodMicros(period), count)) {
            throw new IllegalArgumentException("burst times emission interval must stay below 2^50 microseconds "
                    + "(about 35 years); lower the burst or the period");
        }
    }

    /** {@code count} per {@code period}, with a burst of {@code count}. */
    public static Limit of(long count, Duration period) {
        return new Limit(count, period, count);
    }

    /** {@code count} per {@code period}, with bursts of up to {@code burst}. */
    public static Limit of(long count, Duration period, long burst) {
        return new Limit(count, period, burst);
    }

    public static Limit perSecond(long count) {
        return of(count, Duration.ofSeconds(1));
    }

    public static Limit perMinute(long count) {
        return of(count, Duration.ofMinutes(1));
    }

    public static Limit perHour(long count) {
        return of(count, Duration.ofHours(1));
    }

    /** This rate with another burst. */
    public Limit withBurst(long newBurst) {
        return new Limit(count, period, newBurst);
    }

    /**
     * Parses {@code 10/1m}, {@code 100/s}, {@code 5000/1h}, {@code 3/15m}: a count, a slash, and a
     * duration as {@link io.gatehouse.config.GatehouseConfig#duration} writes it (a bare unit means 1 of it).
     */
    public static Limit parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a rate; write it like 10/1m, 100/s or 5000/1h");
        }
        long count;
        try {
            count = Long.parseLong(t.substring(0, slash).trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a rate; the count before '/' must be a whole number");
        }
        String p = t.substring(slash + 1).trim();
        if (!p.isEmpty() && !Character.isDigit(p.charAt(0))) {
            p = "1" + p;
        }
        Duration period = Durations.parse(p);
        if (period == null) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a rate; the period after '/' must be like 1s, 1m, 15m, 1h or 1d");
        }
        return of(count, period);
    }

    /** Microseconds between two units at the sustained rate, rounded up. */
    public long emissionIntervalMicros() {
        return ceilDiv(periodMicros(period), count);
    }

    /** How far ahead of now the theoretical arrival time may run: {@code burst} emission intervals. */
    public long toleranceMicros() {
        return emissionIntervalMicros() * burst;
    }

    /** The period in whole seconds (at least 1), as the {@code w} parameter of {@code RateLimit-Policy}. */
    public long windowSeconds() {
        return Math.max(1, ceilDiv(period.toMillis(), 1000));
    }

    /** {@code 10/1m burst 10}, as written in configuration. */
    @Override
    public String toString() {
        return count + "/" + Durations.format(period) + (burst == count ? "" : " burst " + burst);
    }

    private static long periodMicros(Duration period) {
        return period.toNanos() / 1000;
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
