package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    /** A backup every 6 hours for two years before NOW. */
    static List<Retention.Item> everySixHours() {
        List<Retention.Item> items = new ArrayList<>();
        for (Instant t = NOW.minus(Duration.ofDays(730)); t.isBefore(NOW); t = t.plus(Duration.ofHours(6))) {
            items.add(new Retention.Item(t.toString(), t));
        }
        return items;
    }

    @Test
    void defaultKeepsAllOf48HoursOneADayFor60DaysOneAMonthForAYear() {
        List<Retention.Item> items = everySixHours();
        Set<String> keep = Retention.DEFAULT.keep(items, NOW);
        long recent = items.stream()
                .filter(i -> i.createdAt().isAfter(NOW.minus(Duration.ofHours(48))))
                .count();
        assertThat(recent).isEqualTo(7);
        assertThat(keep)
                .contains(items.stream()
                        .filter(i -> i.createdAt().isAfter(NOW.minus(Duration.ofHours(48))))
                        .map(Retention.Item::id)
                        .toArray(String[]::new));
        // 7 of the last 48 h, plus the newest of each of the other ~58 days, plus ~10 monthly ones beyond 60 days.
        assertThat(keep).hasSizeBetween(7 + 57, 7 + 59 + 11);
        assertThat(keep)
                .as("nothing older than a year")
                .doesNotContain(items.get(0).id());
        assertThat(keep).allSatisfy(id -> assertThat(Instant.parse(id)).isAfter(NOW.minus(Duration.ofDays(366))));
        // Each day within 60 days keeps its last backup (18:00 UTC), not an earlier one.
        assertThat(keep).contains("2026-11-20T18:00:00Z").doesNotContain("2026-11-20T12:00:00Z");
    }

    @Test
    void parsesTheScheduleAndNamesTheSettingOnBadInput() {
        assertThat(Retention.parse("all:48h,daily:60d,monthly:1y")).isEqualTo(Retention.DEFAULT);
        assertThat(Retention.parse("all:7d"))
                .isEqualTo(new Retention(Duration.ofDays(7), Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> Retention.parse("weekly:4w")).hasMessageContaining("gatehouse.backup.retention");
        assertThatThrownBy(() -> Retention.parse("all:soon")).hasMessageContaining("gatehouse.backup.retention");
    }
}
