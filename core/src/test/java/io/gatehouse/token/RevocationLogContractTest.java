package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testing.StoreContract;
import io.lettuce.core.XAddArgs;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The revocation log (index + feed) on the in-memory store and every Redis topology. */
class RevocationLogContractTest extends StoreContract {
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private RevocationLog log(long maxLength) {
        return backend.isRedis()
                ? new RedisRevocationLog(backend.connector(), maxLength, Duration.ofHours(1))
                : new InMemoryRevocationLog(maxLength);
    }

    private Revocation session(String id, long atOffsetMs, Duration life, String reason) {
        return Revocation.session(id, now.plusMillis(atOffsetMs), now.plus(life), reason);
    }

    @Test
    void appendedEntriesAreInTheSnapshotAndOnTheFeedInOrder() {
        RevocationLog log = log(1000);
        log.append(
                List.of(session("s1", 0, Duration.ofHours(1), "a"), session("s2", 1, Duration.ofHours(1), "b")),
                now.toEpochMilli());
        log.append(List.of(Revocation.user("u1", now, now.plus(Duration.ofDays(30)), "c")), now.toEpochMilli());

        RevocationLog.Snapshot snap = log.snapshot(now.toEpochMilli());
        assertThat(snap.entries()).extracting(Revocation::id).containsExactlyInAnyOrder("s1", "s2", "u1");
        try (RevocationLog.Feed feed = log.openFeed()) {
            List<RevocationLog.Positioned> read = feed.read(RevocationLog.START, Duration.ofMillis(100));
            assertThat(read).extracting(p -> p.revocation().id()).containsExactly("s1", "s2", "u1");
            assertThat(read.get(0).revocation()).isEqualTo(session("s1", 0, Duration.ofHours(1), "a"));
            assertThat(read.get(2).position()).isEqualTo(snap.position());
            assertThat(feed.read(snap.position(), Duration.ofMillis(100))).isEmpty();
            assertThat(feed.hasGap(snap.position())).isFalse();
            assertThat(feed.hasGap(RevocationLog.START)).isFalse();
        }
    }

    @Test
    void aReaderResumesFromItsPositionWithoutMissingOrRepeating() {
        RevocationLog log = log(1000);
        log.append(List.of(session("s1", 0, Duration.ofHours(1), "a")), now.toEpochMilli());
        try (RevocationLog.Feed feed = log.openFeed()) {
            String pos = feed.read(RevocationLog.START, Duration.ofMillis(100))
                    .get(0)
                    .position();
            log.append(
                    List.of(session("s2", 0, Duration.ofHours(1), "b"), session("s3", 0, Duration.ofHours(1), "c")),
                    now.toEpochMilli());

            assertThat(feed.read(pos, Duration.ofMillis(100)))
                    .extracting(p -> p.revocation().id())
                    .containsExactly("s2", "s3");
        }
    }

    @Test
    void trimmingPastAReadersPositionIsAGap() {
        RevocationLog log = log(2);
        log.append(List.of(session("s1", 0, Duration.ofHours(1), "a")), now.toEpochMilli());
        String pos;
        try (RevocationLog.Feed feed = log.openFeed()) {
            pos = feed.read(RevocationLog.START, Duration.ofMillis(100)).get(0).position();
            log.append(List.of(session("s2", 0, Duration.ofHours(1), "b")), now.toEpochMilli());
            assertThat(feed.hasGap(pos)).as("s2 is still on the feed").isFalse();
            log.append(
                    List.of(session("s3", 0, Duration.ofHours(1), "c"), session("s4", 0, Duration.ofHours(1), "d")),
                    now.toEpochMilli());

            assertThat(feed.hasGap(pos))
                    .as("s2 was trimmed before this reader saw it")
                    .isTrue();
            // the authoritative index still has everything
            assertThat(log.snapshot(now.toEpochMilli()).entries())
                    .extracting(Revocation::id)
                    .containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        }
    }

    @Test
    void aPositionBeyondTheFeedIsAGap() {
        RevocationLog log = log(1000);
        log.append(List.of(session("s1", 0, Duration.ofHours(1), "a")), now.toEpochMilli());
        try (RevocationLog.Feed feed = log.openFeed()) {
            // a reader that knew a longer history than the store now has (the store was emptied)
            assertThat(feed.hasGap("99999999999999-0")).isTrue();
        }
    }

    @Test
    void expiredEntriesLeaveTheSnapshotAndAreCleanedUp() {
        RevocationLog log = log(1000);
        log.append(
                List.of(session("short", 0, Duration.ofMinutes(1), "a"), session("long", 0, Duration.ofHours(1), "b")),
                now.toEpochMilli());
        long later = now.plus(Duration.ofMinutes(2)).toEpochMilli();

        assertThat(log.snapshot(later).entries()).extracting(Revocation::id).containsExactly("long");
        log.cleanup(later);
        assertThat(log.snapshot(now.toEpochMilli()).entries())
                .extracting(Revocation::id)
                .containsExactly("long");
    }

    @Test
    void aReasonWithSeparatorsSurvives() {
        RevocationLog log = log(1000);
        log.append(List.of(session("s1", 0, Duration.ofHours(1), "a|b|c ünïcode")), now.toEpochMilli());

        assertThat(log.snapshot(now.toEpochMilli()).entries())
                .singleElement()
                .extracting(Revocation::reason)
                .isEqualTo("a|b|c ünïcode");
    }

    // ---- bounded trimming (Redis: revoke.lua trims at most its bound per call; in memory nothing piles up)

    /**
     * A mass logout an hour ago left 35 aged entries; with a bound of 10 per call, the next revocation and
     * each cleanup call remove exactly the 10 oldest and record the 10th as the watermark, and the third
     * cleanup call takes the last 5.
     */
    @Test
    void anAgedBacklogLeavesAtMostTheBoundPerCallWithAnExactWatermark() {
        RedisRevocationLog log = bounded(1_000_000, Duration.ofHours(1), 10);
        List<String> aged = agedBacklog(35);
        log.append(List.of(session("fresh-1", 0, Duration.ofHours(2), "a")), now.toEpochMilli());
        // the append trimmed its bound too
        assertThat(streamLength()).isEqualTo(35 - 10 + 1);
        assertThat(watermark()).isEqualTo(aged.get(9));

        List<Boolean> more = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        for (int call = 0; call < 3; call++) {
            long before = streamLength();
            more.add(log.cleanupStep(now.toEpochMilli()));
            removed.add(before - streamLength());
        }
        assertThat(removed).containsExactly(10L, 10L, 5L);
        assertThat(more).containsExactly(true, true, false);
        assertThat(watermark()).isEqualTo(aged.get(34));
        assertThat(log.cleanupStep(now.toEpochMilli())).isFalse();
        assertThat(streamLength()).isEqualTo(1);
    }

    /** A reader inside the trimmed range has a gap (it resyncs); one at the watermark missed nothing. */
    @Test
    void aReaderInsideTheTrimmedRangeHasAGapAndOneAtTheWatermarkDoesNot() {
        RedisRevocationLog log = bounded(1_000_000, Duration.ofHours(1), 10);
        List<String> aged = agedBacklog(25);
        assertThat(log.cleanupStep(now.toEpochMilli())).isTrue();
        assertThat(watermark()).isEqualTo(aged.get(9));
        try (RevocationLog.Feed feed = log.openFeed()) {
            assertThat(feed.hasGap(RevocationLog.START)).isTrue();
            assertThat(feed.hasGap(aged.get(0))).isTrue();
            assertThat(feed.hasGap(aged.get(8)))
                    .as("the 10th entry, trimmed, was not read")
                    .isTrue();
            assertThat(feed.hasGap(aged.get(9)))
                    .as("read up to the last trimmed entry")
                    .isFalse();
            assertThat(feed.hasGap(aged.get(12))).isFalse();
            assertThat(feed.read(aged.get(9), Duration.ofMillis(100)))
                    .extracting(RevocationLog.Positioned::position)
                    .containsExactlyElementsOf(aged.subList(10, 25));
        }
    }

    /** The periodic cleanup goes on calling until the backlog is gone, each call within the bound. */
    @Test
    void theCleanupCatchesUpABacklogLargerThanTheBound() {
        RedisRevocationLog log = bounded(1_000_000, Duration.ofHours(1), 10);
        List<String> aged = agedBacklog(95);
        log.append(List.of(session("fresh-1", 0, Duration.ofHours(2), "a")), now.toEpochMilli());

        log.cleanup(now.toEpochMilli());

        assertThat(streamLength()).isEqualTo(1);
        assertThat(watermark()).isEqualTo(aged.get(94));
        assertThat(log.snapshot(now.toEpochMilli()).entries())
                .extracting(Revocation::id)
                .containsExactly("fresh-1");
    }

    /** Beyond the max length, the oldest entries leave within the same bound, which age and length share. */
    @Test
    void theLengthTrimSharesTheBound() {
        RedisRevocationLog filler = bounded(1_000_000, Duration.ofHours(1), 10);
        List<String> aged = agedBacklog(6);
        List<Revocation> fresh = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fresh.add(session("s" + i, 0, Duration.ofHours(2), "burst"));
        }
        filler.append(fresh, now.toEpochMilli());
        assertThat(streamLength()).as("the filler trimmed the 6 aged ones").isEqualTo(20);
        assertThat(watermark()).isEqualTo(aged.get(5));
        List<String> ids = streamIds();

        RedisRevocationLog log = bounded(5, Duration.ofHours(1), 8);
        List<Long> lengths = new ArrayList<>();
        List<String> watermarks = new ArrayList<>();
        List<Boolean> more = new ArrayList<>();
        for (int call = 0; call < 2; call++) {
            more.add(log.cleanupStep(now.toEpochMilli()));
            lengths.add(streamLength());
            watermarks.add(watermark());
        }
        assertThat(lengths).containsExactly(12L, 5L);
        assertThat(more).containsExactly(true, false);
        assertThat(watermarks).containsExactly(ids.get(7), ids.get(14));
        assertThat(streamIds()).isEqualTo(ids.subList(15, 20));
    }

    /** Age first, then length, out of one budget: 4 aged + 10 beyond the length with a bound of 10. */
    @Test
    void ageAndLengthTogetherStayWithinTheBound() {
        RedisRevocationLog filler = bounded(1_000_000, Duration.ofDays(1), 10);
        List<Revocation> fresh = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            fresh.add(session("s" + i, 0, Duration.ofHours(2), "burst"));
        }
        List<String> aged = agedBacklog(4);
        filler.append(fresh, now.toEpochMilli());
        List<String> ids = streamIds();
        assertThat(ids).hasSize(19).startsWith(aged.toArray(String[]::new));

        RedisRevocationLog log = bounded(5, Duration.ofHours(1), 10);
        assertThat(log.cleanupStep(now.toEpochMilli())).isTrue();
        assertThat(streamLength()).isEqualTo(9);
        assertThat(watermark()).isEqualTo(ids.get(9));
        assertThat(log.cleanupStep(now.toEpochMilli())).isFalse();
        assertThat(streamIds()).isEqualTo(ids.subList(14, 19));
        assertThat(watermark()).isEqualTo(ids.get(13));
    }

    /** A Redis log with a small trim bound (bounded trimming is revoke.lua's: the test is skipped in memory). */
    private RedisRevocationLog bounded(long maxLength, Duration retention, int trimPerCall) {
        assumeTrue(backend.isRedis(), "bounded trimming is revoke.lua's");
        return new RedisRevocationLog(backend.connector(), maxLength, retention, trimPerCall);
    }

    /**
     * {@code n} stream entries from two hours ago (past the one-hour retention), as revoke.lua writes
     * them; their ids, oldest first.
     */
    private List<String> agedBacklog(int n) {
        RedisConnector redis = backend.connector();
        String stream = redis.keys().key("rev", "log", "stream");
        long base = now.minus(Duration.ofHours(2)).toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("k", "s");
            body.put("i", "old-" + i);
            body.put("a", Long.toString(base));
            body.put("u", Long.toString(base + 60_000));
            body.put("r", "mass-logout");
            // two entries per millisecond: ids that differ in the sequence part too
            String id = (base + i / 2) + "-" + (i % 2);
            ids.add(redis.sync(c -> c.xadd(stream, new XAddArgs().id(id), body)));
        }
        return ids;
    }

    private long streamLength() {
        RedisConnector redis = backend.connector();
        return redis.sync(c -> c.xlen(redis.keys().key("rev", "log", "stream")));
    }

    private List<String> streamIds() {
        RedisConnector redis = backend.connector();
        return redis
                .sync(c -> c.xrange(redis.keys().key("rev", "log", "stream"), io.lettuce.core.Range.create("-", "+")))
                .stream()
                .map(io.lettuce.core.StreamMessage::getId)
                .toList();
    }

    private String watermark() {
        RedisConnector redis = backend.connector();
        return redis.sync(c -> c.get(redis.keys().key("rev", "log", "trimmed")));
    }

    /**
     * Property: whatever the order and repetition of writes, the store's merged state equals the local
     * merge of the same writes (the rule revoke.lua and LocalRevocationState share), and the feed carries
     * entries that, applied in order, give the same state.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 42L, 20261121L})
    void storeAndLocalMergeAgree(long seed) {
        System.out.println("RevocationLogContractTest.storeAndLocalMergeAgree seed=" + seed + " on " + backend);
        Random random = new Random(seed);
        RevocationLog log = log(10_000);
        LocalRevocationState expected = new LocalRevocationState();
        List<Revocation> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RevocationKind kind = RevocationKind.values()[random.nextInt(4)];
            String id = kind.name().toLowerCase() + "-" + random.nextInt(15);
            Instant at = now.plusMillis(random.nextInt(100_000));
            Instant until = now.plus(Duration.ofHours(1)).plusMillis(random.nextInt(100_000));
            all.add(new Revocation(kind, id, at, until, "r" + i));
        }
        for (int i = 0; i < all.size(); i += 1 + random.nextInt(5)) {
            List<Revocation> batch = all.subList(i, Math.min(all.size(), i + 1 + random.nextInt(5)));
            log.append(batch, now.toEpochMilli());
            batch.forEach(expected::apply);
        }
        LocalRevocationState fromSnapshot = new LocalRevocationState();
        fromSnapshot.finishResync(log.snapshot(now.toEpochMilli()).entries());
        LocalRevocationState fromFeed = new LocalRevocationState();
        try (RevocationLog.Feed feed = log.openFeed()) {
            String pos = RevocationLog.START;
            List<RevocationLog.Positioned> read;
            while (!(read = feed.read(pos, Duration.ofMillis(50))).isEmpty()) {
                for (RevocationLog.Positioned p : read) {
                    fromFeed.apply(p.revocation());
                    pos = p.position();
                }
            }
        }
        Map<String, Revocation> want = dump(expected);
        assertThat(want).as("seed " + seed).isNotEmpty();
        assertThat(dump(fromSnapshot)).as("seed " + seed).isEqualTo(want);
        assertThat(dump(fromFeed)).as("seed " + seed).isEqualTo(want);
    }

    private static Map<String, Revocation> dump(LocalRevocationState s) {
        Map<String, Revocation> out = new HashMap<>();
        for (RevocationKind kind : RevocationKind.values()) {
            for (int i = 0; i < 15; i++) {
                String id = kind.name().toLowerCase() + "-" + i;
                s.find(kind, id).ifPresent(r -> out.put(kind + "/" + id, r));
            }
        }
        return out;
    }
}
