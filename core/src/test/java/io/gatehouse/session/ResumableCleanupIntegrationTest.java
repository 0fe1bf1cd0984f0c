package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cleanup pass the CLI runs: pipelined batches, and progress stored after every completed batch so an
 * interrupted pass continues where it stopped, also in a new store (another process); on the in-memory
 * store and every Redis topology (Cluster: a resumable SCAN walks the masters one after the other).
 */
class ResumableCleanupIntegrationTest extends StoreContract {
    private static final int USERS = 60;

    private MutableClock clock;
    private List<CreatedSession> live;

    private SessionStore store() {
        GatehouseConfig config = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY)
                .set("gatehouse.sessions.device-key", SessionStoreIntegrationTest.DEVICE_KEY)
                .set("gatehouse.sessions.idle-timeout", "30m")
                .build();
        SessionStore.Builder b = SessionStore.builder().config(config).clock(clock);
        return backend.isRedis()
                ? b.stores(backend.stores()).build()
                : b.inMemory().build();
    }

    private SessionStore sessions;

    /** USERS users: the even ones have one session that expires, the odd ones one that is still live. */
    @BeforeEach
    void fill() {
        clock = MutableClock.at("2026-03-02T09:00:00Z");
        sessions = store();
        for (int u = 0; u < USERS; u += 2) {
            sessions.create(NewSession.forUser("u" + u).build());
        }
        clock.advance(Duration.ofMinutes(31));
        live = new ArrayList<>();
        for (int u = 1; u < USERS; u += 2) {
            live.add(sessions.create(NewSession.forUser("u" + u).build()));
        }
    }

    private int expiredLeft() {
        // A dry run counts what a pass would remove, changing nothing.
        return sessions.cleanup(1000, true).runToEnd().entriesRemoved();
    }

    @Test
    void anInterruptedPassContinuesWhereItStoppedAndTheTotalsAddUp() {
        assertThat(expiredLeft()).isEqualTo(USERS / 2);

        SessionCleanup first = sessions.resumableCleanup(7, false);
        assertThat(first.resumed()).isEmpty();
        CleanupBatch a = first.next();
        CleanupBatch b = first.next();
        CleanupBatch stopped = first.stop(); // Ctrl-C: the batches already sent are awaited and counted
        assertThat(a.done() || b.done() || stopped.done()).isFalse();
        int visitedFirst = a.usersVisited() + b.usersVisited() + stopped.usersVisited();
        int removedFirst = a.entriesRemoved() + b.entriesRemoved() + stopped.entriesRemoved();
        assertThat(visitedFirst).isBetween(1, USERS - 1);
        assertThat(expiredLeft()).isEqualTo(USERS / 2 - removedFirst);

        // Another process (on Redis: a new store on the same data) resumes the stored pass.
        SessionStore other = backend.isRedis() ? store() : sessions;
        SessionCleanup second = other.resumableCleanup(7, false);
        assertThat(second.resumed())
                .hasValueSatisfying(r -> assertThat(r.usersVisited()).isEqualTo(visitedFirst));
        assertThat(second.resumed().orElseThrow().entriesRemoved()).isEqualTo(removedFirst);
        CleanupBatch rest = second.runToEnd();

        assertThat(removedFirst + rest.entriesRemoved()).isEqualTo(USERS / 2);
        assertThat(visitedFirst + rest.usersVisited())
                .as("the second run continued: it did not visit the first run's users again")
                .isGreaterThanOrEqualTo(USERS)
                .isLessThan(USERS + visitedFirst);
        assertThat(expiredLeft()).isZero();
        for (CreatedSession s : live) {
            assertThat(sessions.get(s.id())).as("live sessions stay").isPresent();
        }
        assertThat(other.resumableCleanup(7, false).resumed())
                .as("a finished pass leaves no progress behind")
                .isEmpty();
    }

    @Test
    void restartDiscardsTheStoredPass() {
        SessionCleanup first = sessions.resumableCleanup(5, false);
        CleanupBatch a = first.next();
        CleanupBatch b = first.stop();
        int visited = a.usersVisited() + b.usersVisited();
        int removed = a.entriesRemoved() + b.entriesRemoved();
        assertThat(sessions.resumableCleanup(5, false).resumed()).isPresent();

        CleanupBatch all = sessions.resumableCleanup(5, true).runToEnd();

        // Users whose only entry the first run removed are gone; every other user is visited again.
        assertThat(all.usersVisited())
                .as("a new pass from the start")
                .isGreaterThanOrEqualTo(USERS - removed)
                .isGreaterThan(USERS - visited);
        assertThat(expiredLeft()).isZero();
    }

    @Test
    void aDryRunCountsExactlyWhatAPassRemovesAndStoresNothing() {
        CleanupBatch dry = sessions.cleanup(3, true).runToEnd();
        assertThat(dry.entriesRemoved()).isEqualTo(USERS / 2);
        assertThat(sessions.resumableCleanup(3, false).resumed()).isEmpty();

        CleanupBatch pass = sessions.cleanup(3, false).runToEnd();

        assertThat(pass.entriesRemoved()).isEqualTo(dry.entriesRemoved());
        assertThat(pass.done()).isTrue();
        assertThat(expiredLeft()).isZero();
    }
}
