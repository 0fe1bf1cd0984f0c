package io.gatehouse.event;

import io.gatehouse.error.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/*
 * Design note. Both stores keep events in append-only "streams" (Redis Streams, or their in-memory
 * imitation): one per user, plus N shards of the global log. Reading is the same for both and lives
 * here: a query names its streams (the user's, or all shards), walks them newest-first by stream id and
 * merges them, filtering by type, severity and time. Because an entry's stream id is never earlier than
 * its event's time, the walk can stop at the range's lower bound; because an event can be stored late
 * (replayed from a spool), the walk starts "late-window" above the range's upper bound. The cursor is
 * the position reached in every stream, so paging is stable while new events keep arriving.
 */
abstract class StreamEventStore implements EventStore {
    private static final String CURSOR_VERSION = "1";

    protected final EventSettings settings;
    protected final Clock clock;

    StreamEventStore(EventSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The streams that hold events of {@code user} (its own), or of everyone (the global shards). */
    abstract List<String> streams(Optional<String> user);

    /**
     * Reads up to {@code count} entries of each request, from each stream: newest first below
     * {@code after} (exclusive; null = start at {@code upperMs}) down to {@code lowerMs}, or, when
     * {@code forward}, oldest first above {@code after} (null = from {@code lowerMs}) up to {@code upperMs}.
     */
    abstract List<List<StreamEntry>> read(List<Read> reads);

    record Read(String stream, StreamId after, long lowerMs, long upperMs, int count, boolean forward) {}

    /** Oldest event time still served: now minus the retention. */
    long cutoffMs() {
        return clock.millis() - settings.retention().toMillis();
    }

    @Override
    public EventPage query(EventQuery q) {
        List<String> streams = streams(q.user());
        Position pos = q.cursor()
                .map(c -> Position.decode(c, q.user().orElse("*"), streams.size()))
                .orElseGet(() -> new Position(streams.size()));
        long lower = Math.max(cutoffMs(), q.from().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
        long upper = q.to().map(t ->
                        saturatedAdd(t.toEpochMilli(), settings.lateWindow().toMillis()))
                .orElse(Long.MAX_VALUE);
        boolean filtered = q.types().size() < EventType.values().length
                || q.minSeverity() != Severity.INFO
                || q.from().isPresent()
                || q.to().isPresent();
        int batch = filtered ? Math.min(1000, Math.max(128, q.limit() * 4)) : q.limit() + 1;
        List<SecurityEvent> page = new ArrayList<>(q.limit());
        Walk walk = new Walk(streams, pos, lower, upper, batch, false);
        long scanned = 0;
        while (page.size() < q.limit() && scanned < settings.maxScan()) {
            StreamEntry e = walk.next();
            if (e == null) {
                break;
            }
            scanned++;
            if (e.event().time().toEpochMilli() >= lower && q.matches(e.event())) {
                page.add(e.event());
            }
        }
        Optional<String> next = walk.finished()
                ? Optional.empty()
                : Optional.of(pos.encode(q.user().orElse("*")));
        return new EventPage(page, next);
    }

    @Override
    public long export(Instant from, Instant to, OutputStream out) throws IOException {
        if (!from.isBefore(to)) {
            throw new InvalidInputException("an export's from (" + from + ") must be before its to (" + to + ")");
        }
        List<String> streams = streams(Optional.empty());
        long lower = Math.max(cutoffMs(), from.toEpochMilli());
        long upper = saturatedAdd(to.toEpochMilli(), settings.lateWindow().toMillis());
        Walk walk = new Walk(streams, new Position(streams.size()), lower, upper, 1000, true);
        long written = 0;
        for (StreamEntry e = walk.next(); e != null; e = walk.next()) {
            long t = e.event().time().toEpochMilli();
            if (t >= lower && t < to.toEpochMilli()) {
                out.write(EventJson.write(e.event()).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                written++;
            }
        }
        out.flush();
        return written;
    }

    static void checkDays(LocalDate from, LocalDate to) {
        if (from.isAfter(to) || ChronoUnit.DAYS.between(from, to) > 3660) {
            throw new InvalidInputException("count days from " + from + " to " + to
                    + ": from must not be after to, and the range at most 10 years");
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** A k-way merge over the streams, refilling each stream's buffer when it runs dry. */
    private final class Walk {
        private final List<String> streams;
        private final Position pos;
        private final long lower;
        private final long upper;
        private final int batch;
        private final boolean forward;
        private final List<ArrayDeque<StreamEntry>> buffers = new ArrayList<>();
        private final boolean[] lastFetchShort;

        Walk(List<String> streams, Position pos, long lower, long upper, int batch, boolean forward) {
            this.streams = streams;
            this.pos = pos;
            this.lower = lower;
            this.upper = upper;
            this.batch = batch;
            this.forward = forward;
            this.lastFetchShort = new boolean[streams.size()];
            for (int i = 0; i < streams.size(); i++) {
                buffers.add(new ArrayDeque<>());
            }
        }

        StreamEntry next() {
            refill();
            int best = -1;
            for (int i = 0; i < streams.size(); i++) {
                StreamEntry head = buffers.get(i).peekFirst();
                if (head != null
                        && (best < 0
                                || better(
                                        head.id(), buffers.get(best).peekFirst().id()))) {
                    best = i;
                }
            }
            if (best < 0) {
                return null;
            }
            StreamEntry e = buffers.get(best).pollFirst();
            pos.at[best] = e.id();
            if (buffers.get(best).isEmpty() && lastFetchShort[best]) {
                pos.done[best] = true;
            }
            return e;
        }

        boolean finished() {
            refill();
            for (int i = 0; i < streams.size(); i++) {
                if (!pos.done[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean better(StreamId a, StreamId b) {
            return forward ? a.compareTo(b) < 0 : a.compareTo(b) > 0;
        }

        private void refill() {
            List<Read> reads = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                if (!pos.done[i] && buffers.get(i).isEmpty()) {
                    reads.add(new Read(streams.get(i), pos.at[i], lower, upper, batch, forward));
                    which.add(i);
                }
            }
            if (reads.isEmpty()) {
                return;
            }
            List<List<StreamEntry>> got = read(reads);
            for (int k = 0; k < which.size(); k++) {
                int i = which.get(k);
                List<StreamEntry> entries = got.get(k);
                buffers.get(i).addAll(entries);
                lastFetchShort[i] = entries.size() < batch;
                if (entries.isEmpty()) {
                    pos.done[i] = true;
                }
            }
        }
    }

    /** Where a walk is in each stream: the last id consumed (null: not started) and whether it is done. */
    static final class Position {
        final StreamId[] at;
        final boolean[] done;

        Position(int n) {
            at = new StreamId[n];
            done = new boolean[n];
        }

        String encode(String scope) {
            StringBuilder sb = new StringBuilder(CURSOR_VERSION).append('|').append(scope);
            for (int i = 0; i < at.length; i++) {
                sb.append('|').append(done[i] ? "x" : at[i] == null ? "" : at[i].toString());
            }
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor, String scope, int n) {
            String text;
            try {
                text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid();
            }
            String[] parts = text.split("\\|", -1);
            if (parts.length != n + 2 || !CURSOR_VERSION.equals(parts[0]) || !scope.equals(parts[1])) {
                throw invalid();
            }
            Position p = new Position(n);
            for (int i = 0; i < n; i++) {
                String s = parts[i + 2];
                if (s.equals("x")) {
                    p.done[i] = true;
                } else if (!s.isEmpty()) {
                    try {
                        p.at[i] = StreamId.parse(s);
                    } catch (IllegalArgumentException e) {
                        throw invalid();
                    }
                }
            }
            return p;
        }

        private static InvalidInputException invalid() {
            return new InvalidInputException(
                    "invalid event cursor: pass back the nextCursor of a page of the same query");
        }
    }
}
