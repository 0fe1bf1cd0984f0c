package io.gatehouse.event;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Events in this process's memory, for a single instance and for tests. It imitates the Redis layout
 * (a stream per user and one global stream, stream ids that never go below event times, idempotent
 * appends, trimming by time on write) so the shared reading code and the contract tests apply unchanged.
 *
 * <p>Bounded as well as trimmed by time, since retention alone lets a flood of events (failed logins are
 * free to cause) fill the heap: the global stream keeps the newest {@code gatehouse.events.memory.max-events}
 * (N), and the user streams together hold at most N (past it, the least recently written user streams are
 * dropped whole, down to 90%): at most 2N events in all.
 */
final class InMemoryEventStore extends StreamEventStore {
    private static final String GLOBAL = "g";

    private final Map<String, MemStream> streams = new ConcurrentHashMap<>();
    private final Map<LocalDate, Map<String, Long>> counts = new ConcurrentHashMap<>();
    private final int maxGlobal;

    InMemoryEventStore(EventSettings settings, Clock clock) {
        super(settings, clock);
        this.maxGlobal = settings.memoryMaxEvents();
    }

    @Override
    public synchronized int write(List<SecurityEvent> events) {
        long cutoff = cutoffMs();
        int expired = 0;
        for (SecurityEvent e : events) {
            if (e.time().toEpochMilli() < cutoff) {
                expired++;
                continue;
            }
            if (stream(GLOBAL).append(e, cutoff, maxGlobal)) {
                Map<String, Long> day = counts.computeIfAbsent(
                        LocalDate.ofInstant(e.time(), ZoneOffset.UTC), d -> new ConcurrentHashMap<>());
                day.merge("t:" + e.type().code(), 1L, Long::sum);
                day.merge("s:" + EventJson.severity(e.severity()), 1L, Long::sum);
            }
            e.user().ifPresent(u -> stream("u:" + u).append(e, cutoff, maxGlobal));
        }
        long userEvents = eventCount() - stream(GLOBAL).size;
        if (userEvents > maxGlobal) {
            // Down to 90% at once, so this sort is rare.
            for (Map.Entry<String, MemStream> en : streams.entrySet().stream()
                    .filter(x -> !x.getKey().equals(GLOBAL))
                    .sorted(java.util.Comparator.comparingLong(x -> x.getValue().lastWriteMs))
                    .toList()) {
                if (userEvents <= maxGlobal * 9L / 10) {
                    break;
                }
                streams.remove(en.getKey());
                userEvents -= en.getValue().size;
            }
        }
        // What Redis does with key TTLs: streams not written to for a whole retention period go away.
        LocalDate oldestDay = LocalDate.ofInstant(Instant.ofEpochMilli(cutoff), ZoneOffset.UTC);
        counts.keySet().removeIf(d -> d.isBefore(oldestDay));
        streams.values().removeIf(s -> s.lastWriteMs < cutoff);
        return expired;
    }

    private MemStream stream(String name) {
        return streams.computeIfAbsent(name, n -> new MemStream());
    }

    @Override
    List<String> streams(Optional<String> user) {
        return List.of(user.map(u -> "u:" + u).orElse(GLOBAL));
    }

    @Override
    List<List<StreamEntry>> read(List<Read> reads) {
        List<List<StreamEntry>> out = new ArrayList<>();
        for (Read r : reads) {
            MemStream s = streams.get(r.stream());
            out.add(s == null ? List.of() : s.read(r));
        }
        return out;
    }

    @Override
    public synchronized EventCounts counts(LocalDate from, LocalDate to) {
        checkDays(from, to);
        Map<EventType, Long> byType = new EnumMap<>(EventType.class);
        Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            counts.getOrDefault(d, Map.of()).forEach((field, n) -> add(field, n, byType, bySeverity));
        }
        return new EventCounts(from, to, byType, bySeverity);
    }

    static void add(String field, long n, Map<EventType, Long> byType, Map<Severity, Long> bySeverity) {
        if (field.startsWith("t:")) {
            byType.merge(EventType.of(field.substring(2)), n, Long::sum);
        } else if (field.startsWith("s:")) {
            bySeverity.merge(EventJson.severity(field.substring(2)), n, Long::sum);
        }
    }

    /** Events held across all streams (tests). */
    synchronized long eventCount() {
        return streams.values().stream().mapToLong(st -> st.size).sum();
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    /** The in-memory imitation of one Redis stream and of the append script's rules. */
    private final class MemStream {
        private final NavigableMap<StreamId, SecurityEvent> entries = new ConcurrentSkipListMap<>();
        private volatile long lastWriteMs;
        private int size;

        synchronized boolean append(SecurityEvent e, long cutoff, int max) {
            long t = e.time().toEpochMilli();
            for (SecurityEvent later : entries.tailMap(new StreamId(t, 0), true).values()) {
                if (later.id().equals(e.id())) {
                    return false;
                }
            }
            StreamId id = entries.isEmpty() || entries.lastKey().ms() < t
                    ? new StreamId(t, 0)
                    : new StreamId(entries.lastKey().ms(), entries.lastKey().seq() + 1);
            entries.put(id, e);
            size++;
            NavigableMap<StreamId, SecurityEvent> expired = entries.headMap(new StreamId(cutoff, 0), false);
            if (!expired.isEmpty()) {
                size -= expired.size();
                expired.clear();
            }
            while (size > max) {
                entries.pollFirstEntry();
                size--;
            }
            lastWriteMs = clock.millis();
            return true;
        }

        List<StreamEntry> read(Read r) {
            NavigableMap<StreamId, SecurityEvent> view;
            StreamId low = new StreamId(Math.max(0, r.lowerMs()), 0);
            StreamId high = new StreamId(r.upperMs(), -1L);
            if (r.forward()) {
                view = r.after() == null
                        ? entries.subMap(low, true, high, true)
                        : entries.subMap(r.after(), false, high, true);
            } else {
                view = (r.after() == null
                                ? entries.subMap(low, true, high, true)
                                : entries.subMap(low, true, r.after(), false))
                        .descendingMap();
            }
            List<StreamEntry> out = new ArrayList<>(Math.min(r.count(), 64));
            Iterator<Map.Entry<StreamId, SecurityEvent>> it = view.entrySet().iterator();
            while (it.hasNext() && out.size() < r.count()) {
                Map.Entry<StreamId, SecurityEvent> en = it.next();
                out.add(new StreamEntry(en.getKey(), en.getValue()));
            }
            return out;
        }
    }
}
