package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
