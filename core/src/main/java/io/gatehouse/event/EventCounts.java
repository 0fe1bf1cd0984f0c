package io.gatehouse.event;

import java.time.LocalDate;
import java.util.Map;

/**
 * How many events were stored per type and per severity over whole UTC days {@code [from, to]}
 * (for dashboards). Types and severities with no event are absent. Rate-limit events are counted as
 * stored, i.e. after sampling.
 */
public record EventCounts(LocalDate from, LocalDate to, Map<EventType, Long> byType, Map<Severity, Long> bySeverity) {
    public EventCounts {
        byType = Map.copyOf(byType);
        bySeverity = Map.copyOf(bySeverity);
    }

    /** Events of {@code type} (0 when none). */
    public long of(EventType type) {
        return byType.getOrDefault(type, 0L);
    }

    /** Events of {@code severity} (0 when none). */
    public long of(Severity severity) {
        return bySeverity.getOrDefault(severity, 0L);
    }
}
