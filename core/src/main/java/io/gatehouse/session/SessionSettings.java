package io.gatehouse.session;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code gatehouse.sessions.*} settings (documented in {@code docs/CONFIGURATION.md}).
 *
 * @param idleTimeout      a session not touched for this long ends
 * @param absoluteLifetime a session ends this long after creation, however busy
 * @param touchInterval    last-seen is written at most once per interval per session
 * @param maxPerUser       live sessions per user, 0 for no limit
 * @param limitPolicy      what happens at the limit
 * @param ceilingPerUser   a hard bound on entries per user even with no limit (oldest evicted), so one
 *                         user's records stay small enough to rewrite atomically
 * @param trustedDeviceTtl how long a device stays trusted by default
 * @param entryFormat      the format new and rewritten entries are written in (both are always read)
 */
public record SessionSettings(
        Duration idleTimeout,
        Duration absoluteLifetime,
        Duration touchInterval,
        int maxPerUser,
        LimitPolicy limitPolicy,
        int ceilingPerUser,
        Duration trustedDeviceTtl,
        EntryFormat entryFormat) {

    static final String PREFIX = "gatehouse.sessions.";

    /**
     * The {@code gatehouse.sessions.*} settings of {@code c}, validated as the session store reads them.
     *
     * @throws io.gatehouse.config.ConfigException for a bad value, naming the key
     */
    public static SessionSettings from(GatehouseConfig c) {
        Duration idle = atLeastOneSecond(c, "idle-timeout", Duration.ofMinutes(30));
        Duration absolute = atLeastOneSecond(c, "absolute-timeout", Duration.ofHours(12));
        Duration touch = c.duration(PREFIX + "touch-interval", Duration.ofSeconds(60));
        if (touch.isNegative() || touch.compareTo(idle) >= 0) {
            throw new ConfigException(
                    PREFIX + "touch-interval",
                    PREFIX + "touch-interval = " + touch
                            + " must be zero or more and shorter than " + PREFIX + "idle-timeout (" + idle
                            + "), or sessions would expire between two writes of last-seen");
        }
        long ceiling = c.number(PREFIX + "ceiling-per-user", 1000);
        if (ceiling < 1 || ceiling > 100_000) {
            throw new ConfigException(
                    PREFIX + "ceiling-per-user",
                    PREFIX + "ceiling-per-user = " + ceiling + " must be between 1 and 100000");
        }
        long max = c.number(PREFIX + "max-per-user", 0);
        if (max < 0 || max > ceiling) {
            throw new ConfigException(
                    PREFIX + "max-per-user",
                    PREFIX + "max-per-user = " + max + " must be 0 (no limit) or between 1 and " + PREFIX
                            + "ceiling-per-user (" + ceiling + ")");
        }
        String policyText = c.string(PREFIX + "limit-policy", LimitPolicy.EVICT_OLDEST.key())
                .toLowerCase(Locale.ROOT);
        LimitPolicy policy = switch (policyText) {
            case "evict-oldest" -> LimitPolicy.EVICT_OLDEST;
            case "refuse" -> LimitPolicy.REFUSE;
            default ->
                throw new ConfigException(
                        PREFIX + "limit-policy",
                        PREFIX + "limit-policy = '" + policyText + "' must be evict-oldest or refuse");
        };
        Duration trusted = atLeastOneSecond(c, "trusted-device-ttl", Duration.ofDays(30));
        String formatText =
                c.string(PREFIX + "entry-format", EntryFormat.COMPACT.key()).toLowerCase(Locale.ROOT);
        EntryFormat format = switch (formatText) {
            case "compact" -> EntryFormat.COMPACT;
            case "text" -> EntryFormat.TEXT;
            default ->
                throw new ConfigException(
                        PREFIX + "entry-format",
                        PREFIX + "entry-format = '" + formatText
                                + "' must be compact or text (text only while instances of a version before"
                                + " the compact format share the session store)");
        };
        return new SessionSettings(idle, absolute, touch, (int) max, policy, (int) ceiling, trusted, format);
    }

    private static Duration atLeastOneSecond(GatehouseConfig c, String name, Duration def) {
        Duration d = c.duration(PREFIX + name, def);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(PREFIX + name, PREFIX + name + " = " + d + " must be at least 1s");
        }
        return d;
    }
}
