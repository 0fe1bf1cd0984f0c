package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour of the event log, on the in-memory store and on every Redis topology: recording,
 * per-user and global queries with filters and cursors, retention driven by the clock, idempotent
 * storage, counts and export.
 */
class SecurityEventsContractTest extends StoreContract {
    private static final List<EventType> KEPT = java.util.Arrays.stream(EventType.values())
            .filter(t -> t != EventType.RATE_LIMIT_EXCEEDED && t != EventType.ADMIN_ACTION)
            .toList();
    private static final Instant START = Instant.parse("2031-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private MutableClock clock;
    private SecurityEvents events;

    @BeforeEach
    void open() {
        clock = new MutableClock(START);
        events = open(clock);
    }

    private SecurityEvents open(MutableClock c) {
        SecurityEvents.Builder b = SecurityEvents.builder()
                .clock(c)
                .config(backend.configBuilder()
                        .set("gatehouse.events.spool.dir", dir.resolve("spool").toString())
                        .set("gatehouse.events.global-shards", "3")
                        .build());
        return (backend.isRedis() ? b.stores(backend.stores()) : b.inMemory()).build();
    }

    @AfterEach
    void close() {
        events.close();
    }

    private SecurityEvent record(EventType type, String user) {
        SecurityEvent.Builder b = SecurityEvent.builder(type).ip("203.0.113.7").userAgent("test-agent/1.0");
        if (user != null) {
            b.user(user);
        }
        return events.record(b);
    }

    private void flush() {
        assertThat(events.flush(Duration.ofSeconds(20))).as("flushed").isTrue();
    }

    private List<SecurityEvent> all(EventQuery.Builder q, int pageSize) {
        List<SecurityEvent> out = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            EventQuery.Builder b = q.limit(pageSize);
            cursor.ifPresent(b::cursor);
            EventPage page = events.query(b.build());
            assertThat(page.events().size()).isLessThanOrEqualTo(pageSize);
            out.addAll(page.events());
            cursor = page.nextCursor();
            assertThat(++pages).as("pages").isLessThan(10_000);
        } while (cursor.isPresent());
        return out;
    }

    @Test
    void recordingAssignsTheIdAndTheLogsTimeAndLeavesTheBuilderAsItWas() {
        SecurityEvent.Builder draft =
                SecurityEvent.builder(EventType.LOGIN_SUCCESS).user("nina");
        clock.advance(Duration.ofMillis(1234));
        SecurityEvent first = events.record(draft);
        SecurityEvent second = events.record(draft);
        assertThat(first.id()).hasSize(26).isNotEqualTo(second.id());
        assertThat(first.time()).isEqualTo(START.plusMillis(1234));
        assertThatThrownBy(draft::build)
                .as("the builder was not stamped by recording")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SecurityEvents.record");
        flush();
        assertThat(events.query(EventQuery.lastOf("nina", 10)).events()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void lastEventsOfAUserAreNewestFirstWithEveryField() {
        List<SecurityEvent> mine = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            mine.add(record(i % 2 == 0 ? EventType.LOGIN_SUCCESS : EventType.LOGIN_FAILURE, "alice"));
            record(EventType.LOGIN_SUCCESS, "bob");
            clock.advance(Duration.ofSeconds(1));
        }
        SecurityEvent full = events.record(SecurityEvent.builder(EventType.REFRESH_REUSE_DETECTED)
                .user("alice")
                .session("sess-1")
                .ip("2001:db8::1")
                .userAgent("Mozilla/5.0 (X11)")
                .reason("reused refresh token")
                .detail("family", "fam-9")
                .detail("client", "web"));
        mine.add(full);
        flush();

        EventPage page = events.query(EventQuery.lastOf("alice", 50));
        List<SecurityEvent> expected = new ArrayList<>(mine.subList(mine.size() - 50, mine.size()));
        java.util.Collections.reverse(expected);
        assertThat(page.events()).containsExactlyElementsOf(expected);
        assertThat(page.events().get(0)).isEqualTo(full);
        assertThat(page.events().get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(page.events().get(0).details())
                .containsEntry("family", "fam-9")
                .containsEntry("client", "web");
        assertThat(page.nextCursor()).isPresent();
        assertThat(events.query(EventQuery.builder()
                                .user("alice")
                                .limit(50)
                                .cursor(page.nextCursor().get())
                                .build())
                        .events())
                .containsExactlyElementsOf(reversed(mine.subList(0, 11)));
        assertThat(events.query(EventQuery.lastOf("nobody", 50)).events()).isEmpty();
    }

    @Test
    void cursorPagingVisitsEveryEventOnceNewestFirst() {
        long seed = System.nanoTime();
        System.out.println("cursorPagingVisitsEveryEventOnceNewestFirst seed=" + seed);
        Random random = new Random(seed);
        List<SecurityEvent> recorded = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            // Rate-limit events are sampled and admin actions are left out to exercise the type filter.
            recorded.add(record(
                    KEPT.get(random.nextInt(KEPT.size())), random.nextInt(5) == 0 ? null : "user" + random.nextInt(7)));
            clock.advance(Duration.ofMillis(random.nextInt(3))); // several events share a millisecond
        }
        flush();
        int pageSize = 1 + random.nextInt(60);
        for (int i = 0; i < 5; i++) {
            record(EventType.ADMIN_ACTION, null);
        }
        flush();
        List<SecurityEvent> paged = all(EventQuery.builder().types(KEPT.toArray(new EventType[0])), pageSize);
        assertThat(paged)
                .as("page size " + pageSize)
                .hasSize(257)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(recorded);
        for (int i = 1; i < paged.size(); i++) {
            assertThat(paged.get(i).time()).isBeforeOrEqualTo(paged.get(i - 1).time());
        }
        // New events arriving while paging do not disturb the pages after the first.
        EventPage first = events.query(EventQuery.builder().limit(100).build());
        for (int i = 0; i < 20; i++) {
            record(EventType.LOGOUT, "late");
        }
        flush();
        List<SecurityEvent> rest = new ArrayList<>(first.events());
        Optional<String> cursor = first.nextCursor();
        while (cursor.isPresent()) {
            EventPage p = events.query(
                    EventQuery.builder().limit(100).cursor(cursor.get()).build());
            rest.addAll(p.events());
            cursor = p.nextCursor();
        }
        assertThat(rest).hasSize(257 + 5).containsAll(recorded);

        String user = "user3";
        List<SecurityEvent> usersOwn =
                recorded.stream().filter(e -> e.user().orElse("").equals(user)).toList();
        // Events of one millisecond come back in stream-id order (by a hash of their id), not recording order.
        List<SecurityEvent> ownPaged = all(EventQuery.builder().user(user), 4);
        assertThat(ownPaged).hasSameSizeAs(usersOwn).containsExactlyInAnyOrderElementsOf(usersOwn);
        for (int i = 1; i < ownPaged.size(); i++) {
            assertThat(ownPaged.get(i).time())
                    .isBeforeOrEqualTo(ownPaged.get(i - 1).time());
        }
    }

    @Test
    void filtersByTypeMinimumSeverityAndTimeRange() {
        List<SecurityEvent> recorded = new ArrayList<>();
        EventType[] types = {
            EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE, EventType.LOCKOUT, EventType.SESSION_EVICTED
        };
        for (int i = 0; i < 120; i++) {
            recorded.add(record(types[i % types.length], "u" + (i % 3)));
            clock.advance(Duration.ofMinutes(1));
        }
        flush();
        Instant from = START.plus(Duration.ofMinutes(30));
        Instant to = START.plus(Duration.ofMinutes(90));

        List<SecurityEvent> warnings = all(
                EventQuery.builder().minSeverity(Severity.WARNING).from(from).to(to), 7);
        assertThat(warnings)
                .containsExactlyElementsOf(reversed(recorded.stream()
                        .filter(e -> e.severity().atLeast(Severity.WARNING)
                                && !e.time().isBefore(from)
                                && e.time().isBefore(to))
                        .toList()));
        assertThat(warnings)
                .extracting(SecurityEvent::type)
                .containsOnly(EventType.LOGIN_FAILURE, EventType.LOCKOUT, EventType.SESSION_EVICTED);

        List<SecurityEvent> lockouts =
                all(EventQuery.builder().user("u1").types(EventType.LOCKOUT).to(to), 5);
        assertThat(lockouts)
                .containsExactlyElementsOf(reversed(recorded.stream()
                        .filter(e -> e.type() == EventType.LOCKOUT
                                && e.user().get().equals("u1")
                                && e.time().isBefore(to))
                        .toList()));
        assertThat(lockouts).isNotEmpty();

        List<SecurityEvent> critical = all(EventQuery.builder().minSeverity(Severity.CRITICAL), 1000);
        assertThat(critical).hasSize(30).allMatch(e -> e.type() == EventType.LOCKOUT);
    }

    @Test
    void anEventStoredLateIsStillFoundByItsOwnTime() {
        record(EventType.LOGIN_SUCCESS, "carol");
        clock.advance(Duration.ofMinutes(10));
        record(EventType.LOGOUT, "carol");
        flush();
        // Recorded now, but it happened 5 minutes ago (as a spool replay or another instance would deliver it).
        SecurityEvent late = events.record(SecurityEvent.builder(EventType.PASSWORD_CHANGED)
                .user("carol")
                .time(START.plus(Duration.ofMinutes(5))));
        flush();
        EventQuery window = EventQuery.builder()
                .user("carol")
                .from(START.plus(Duration.ofMinutes(4)))
                .to(START.plus(Duration.ofMinutes(6)))
                .build();
        assertThat(events.query(window).events()).containsExactly(late);
        assertThat(events.query(EventQuery.builder()
                                .from(START.plus(Duration.ofMinutes(4)))
                                .to(START.plus(Duration.ofMinutes(6)))
                                .build())
                        .events())
                .containsExactly(late);
        assertThat(events.query(EventQuery.lastOf("carol", 10)).events())
                .hasSize(3)
                .contains(late);
    }

    @Test
    void theSameEventRecordedTwiceIsStoredOnce() {
        SecurityEvent e = SecurityEvent.builder(EventType.TOKEN_REVOKED)
                .id("evt-fixed-1")
                .time(START)
                .user("dave")
                .reason("logout")
                .build();
        events.record(e.toBuilder());
        flush();
        clock.advance(Duration.ofSeconds(3));
        record(EventType.LOGIN_SUCCESS, "dave");
        events.record(e.toBuilder());
        events.record(e.toBuilder());
        flush();
        assertThat(events.query(EventQuery.lastOf("dave", 10)).events())
                .filteredOn(x -> x.id().equals("evt-fixed-1"))
                .containsExactly(e);
        assertThat(all(EventQuery.builder().types(EventType.TOKEN_REVOKED), 10)).containsExactly(e);
        LocalDate day = LocalDate.of(2031, 3, 1);
        assertThat(events.counts(day, day).of(EventType.TOKEN_REVOKED)).isEqualTo(1);
    }

    @Test
    void retentionIsEnforcedByTheClockWithoutSweeps() throws Exception {
        for (int i = 0; i < 250; i++) {
            record(EventType.LOGIN_FAILURE, "erin");
            record(EventType.LOGIN_SUCCESS, null);
        }
        flush();
        assertThat(events.query(EventQuery.lastOf("erin", 1000)).events()).hasSize(250);

        clock.advance(Duration.ofDays(89));
        SecurityEvent recent = record(EventType.LOGOUT, "erin");
        flush();
        assertThat(events.query(EventQuery.lastOf("erin", 1000)).events()).hasSize(251);

        clock.advance(Duration.ofDays(2)); // the first 250 are now 91 days old
        SecurityEvent newest = record(EventType.LOGIN_SUCCESS, "erin");
        flush();
        assertThat(events.query(EventQuery.lastOf("erin", 1000)).events()).containsExactly(newest, recent);
        assertThat(all(EventQuery.builder(), 100)).containsExactly(newest, recent);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(events.export(START, clock.instant().plusSeconds(1), out)).isEqualTo(2);
        LocalDate firstDay = LocalDate.of(2031, 3, 1);
        assertThat(events.counts(firstDay, firstDay).byType()).isEmpty();

        // An event that is already older than the retention is not stored at all.
        events.record(SecurityEvent.builder(EventType.LOCKOUT).user("erin").time(START));
        flush();
        assertThat(events.stats().expired()).isEqualTo(1);
        assertThat(events.query(EventQuery.lastOf("erin", 1000)).events()).hasSize(2);

        if (backend.isRedis()) {
            // Storage is trimmed too (XADD MINID ~ frees whole stream nodes of 100 entries), and the user's
            // stream carries a TTL of the retention, so an account that never comes back leaves nothing.
            String key = ((RedisEventStore) storeOf(events)).userKey("erin");
            long length = backend.connector().sync(c -> c.xlen(key));
            assertThat(length).isLessThanOrEqualTo(100);
            long ttl = backend.connector().sync(c -> c.pttl(key));
            // The retention plus the TTL refresh interval (a day): refreshed at most daily, never per event.
            assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofDays(91).toMillis());
        }
    }

    @Test
    void countsByTypeAndSeverityPerDay() {
        for (int i = 0; i < 5; i++) {
            record(EventType.LOGIN_FAILURE, "f" + i);
        }
        record(EventType.LOCKOUT, "f0");
        clock.advance(Duration.ofDays(1));
        for (int i = 0; i < 3; i++) {
            record(EventType.LOGIN_SUCCESS, null);
        }
        flush();
        LocalDate d1 = LocalDate.of(2031, 3, 1);
        LocalDate d2 = d1.plusDays(1);
        EventCounts first = events.counts(d1, d1);
        assertThat(first.byType())
                .containsOnly(
                        java.util.Map.entry(EventType.LOGIN_FAILURE, 5L), java.util.Map.entry(EventType.LOCKOUT, 1L));
        assertThat(first.bySeverity())
                .containsOnly(java.util.Map.entry(Severity.WARNING, 5L), java.util.Map.entry(Severity.CRITICAL, 1L));
        EventCounts both = events.counts(d1, d2);
        assertThat(both.of(EventType.LOGIN_SUCCESS)).isEqualTo(3);
        assertThat(both.of(Severity.INFO)).isEqualTo(3);
        assertThat(both.of(Severity.WARNING)).isEqualTo(5);
        assertThatThrownBy(() -> events.counts(d2, d1)).isInstanceOf(io.gatehouse.error.InvalidInputException.class);
    }

    @Test
    void exportsJsonLinesOldestFirstForATimeRange() throws Exception {
        List<SecurityEvent> recorded = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            recorded.add(record(
                    i % 5 == 0 ? EventType.ADMIN_ACTION : EventType.SESSION_CREATED, i % 4 == 0 ? null : "g" + i));
            clock.advance(Duration.ofSeconds(10));
        }
        flush();
        Instant from = START.plusSeconds(100);
        Instant to = START.plusSeconds(300);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = events.export(from, to, out);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<SecurityEvent> expected = recorded.stream()
                .filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
                .toList();
        assertThat(n).isEqualTo(20).isEqualTo(lines.size());
        assertThat(lines).allMatch(l -> l.startsWith("{\"id\":\"") && l.contains("\"time\":\""));
        assertThat(lines.stream().map(EventJson::read).toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void rateLimitEventsAreSampled() {
        for (int i = 0; i < 100; i++) {
            record(EventType.RATE_LIMIT_EXCEEDED, null);
        }
        flush();
        List<SecurityEvent> stored = all(EventQuery.builder().types(EventType.RATE_LIMIT_EXCEEDED), 100);
        assertThat(stored).hasSize(10).allMatch(e -> "10".equals(e.details().get("sample_rate")));
        assertThat(events.stats().sampledOut()).isEqualTo(90);
        assertThat(events.stats().recorded()).isEqualTo(10);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        record(EventType.LOGIN_SUCCESS, "frank");
        flush();
        assertThatThrownBy(() -> SecurityEvent.builder(EventType.LOGIN_SUCCESS).user("a{b}"))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class)
                .hasMessageContaining("braces");
        assertThatThrownBy(() -> SecurityEvent.builder(EventType.LOGIN_SUCCESS).user("has space"))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> SecurityEvent.builder(EventType.LOGIN_SUCCESS).ip("not an ip"))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() ->
                        events.query(EventQuery.builder().cursor("garbage!").build()))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class)
                .hasMessageContaining("cursor");
        String userCursor = events.query(
                        EventQuery.builder().user("frank").limit(1).build())
                .nextCursor()
                .orElseGet(() -> new StreamEventStore.Position(1).encode("frank"));
        assertThatThrownBy(() -> events.query(
                        EventQuery.builder().user("other").cursor(userCursor).build()))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class)
                .hasMessageContaining("cursor");
        assertThatThrownBy(() -> EventQuery.builder().from(START).to(START).build())
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> EventQuery.builder().limit(0))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        // Attacker-controlled text is cut and stripped of control characters, not refused.
        SecurityEvent e = events.record(SecurityEvent.builder(EventType.LOGIN_FAILURE)
                .user("frank")
                .userAgent("x".repeat(2000) + "\n")
                .reason("line1\nline2"));
        flush();
        SecurityEvent back =
                events.query(EventQuery.lastOf("frank", 1)).events().get(0);
        assertThat(back).isEqualTo(e);
        assertThat(back.userAgent().get()).hasSize(SecurityEvent.MAX_USER_AGENT);
        assertThat(back.reason().get()).isEqualTo("line1?line2");
        Set<String> ids = new HashSet<>();
        all(EventQuery.builder(), 50).forEach(x -> ids.add(x.id()));
        assertThat(ids).hasSize(2);
    }

    private static EventStore storeOf(SecurityEvents events) throws Exception {
        java.lang.reflect.Field f = EventRecorder.class.getDeclaredField("store");
        f.setAccessible(true);
        return (EventStore) f.get(events);
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> r = new ArrayList<>(list);
        java.util.Collections.reverse(r);
        return r;
    }
}
