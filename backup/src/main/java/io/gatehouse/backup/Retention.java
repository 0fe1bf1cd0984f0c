package io.gatehouse.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which backups to keep: every backup younger than {@code all}, the newest of each UTC day younger
 * than {@code daily}, the newest of each UTC month younger than {@code monthly}; the rest are pruned.
 * Written {@code all:48h,daily:60d,monthly:365d} in {@code gatehouse.backup.retention}.
 */
public record Retention(Duration all, Duration daily, Duration monthly) {
    /** Every backup of 48 h, one a day for 60 days, one a month for a year. */
    public static final Retention DEFAULT =
            new Retention(Duration.ofHours(48), Duration.ofDays(60), Duration.ofDays(365));

    public Retention {
        for (Duration d : List.of(all, daily, monthly)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("gatehouse.backup.retention: durations may not be negative");
            }
        }
    }

    /** Parses {@code all:48h,daily:60d,monthly:365d}; a missing part keeps nothing on that rule. */
    public static Retention parse(String text) {
        Map<String, Duration> parts = new TreeMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.trim().split(":", 2);
            if (kv.length != 2 || !Set.of("all", "daily", "monthly").contains(kv[0].trim())) {
                throw new IllegalArgumentException("gatehouse.backup.retention: '" + part.trim()
                        + "' is not all:DURATION, daily:DURATION or monthly:DURATION");
            }
            parts.put(kv[0].trim(), duration(kv[1].trim()));
        }
        return new Retention(
                parts.getOrDefault("all", Duration.ZERO),
                parts.getOrDefault("daily", Duration.ZERO),
                parts.getOrDefault("monthly", Duration.ZERO));
    }

    private static Duration duration(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                case 'y' -> Duration.ofDays(365 * n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "gatehouse.backup.retention: '" + s + "' is not a duration such as 48h, 60d or 1y");
        }
    }

    /** One backup as retention sees it. */
    public record Item(String id, Instant createdAt) {}

    /** The ids to keep among {@code items} at {@code now}; every other id is to be pruned. */
    public Set<String> keep(List<Item> items, Instant now) {
        Set<String> keep = new HashSet<>();
        Map<Long, Item> newestPerDay = new TreeMap<>();
        Map<Long, Item> newestPerMonth = new TreeMap<>();
        for (Item i : items) {
            Duration age = Duration.between(i.createdAt(), now);
            if (age.compareTo(all) < 0) {
                keep.add(i.id());
            }
            if (age.compareTo(daily) < 0) {
                newestPerDay.merge(i.createdAt().truncatedTo(ChronoUnit.DAYS).getEpochSecond(), i, Retention::newer);
            }
            if (age.compareTo(monthly) < 0) {
                var d = i.createdAt().atZone(ZoneOffset.UTC);
                newestPerMonth.merge(d.getYear() * 12L + d.getMonthValue(), i, Retention::newer);
            }
        }
        newestPerDay.values().forEach(i -> keep.add(i.id()));
        newestPerMonth.values().forEach(i -> keep.add(i.id()));
        return keep;
    }

    private static Item newer(Item a, Item b) {
        return a.createdAt().isAfter(b.createdAt()) ? a : b;
    }
}
