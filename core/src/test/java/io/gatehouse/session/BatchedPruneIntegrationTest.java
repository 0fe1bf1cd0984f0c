package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.RedisContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A cleanup batch on Redis prunes many users per {@code prune.lua} call (of one slot on Cluster), each call
 * stopping after its work budget and the users it left sent again: whatever the bounds, every expired
 * entry goes, exactly once, and every live one stays. On each Redis topology.
 */
class BatchedPruneIntegrationTest extends RedisContract {
    private static final int USERS = 40;

    @ParameterizedTest(name = "{0} users per call, budget {1} entries")
    @CsvSource({"200, 2000", "7, 5", "3, 1", "1, 1"})
    void everyExpiredEntryGoesWhateverTheBoundsPerCall(int usersPerCall, int entriesPerCall) {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        GatehouseConfig config = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY)
                .set("gatehouse.sessions.device-key", SessionStoreIntegrationTest.DEVICE_KEY)
                .set("gatehouse.sessions.idle-timeout", "30m")
                .build();
        try (Stores stores = Stores.open(backend.config())) {
            prunes(
                    SessionStore.builder()
                            .config(config)
                            .clock(clock)
                            .stores(stores)
                            .build(),
                    clock,
                    usersPerCall,
                    entriesPerCall);
        }
    }

    private void prunes(SessionStore sessions, MutableClock clock, int usersPerCall, int entriesPerCall) {
        // User u<i> gets i % 4 sessions that will expire, then 1 + i % 3 live ones for the odd users.
        int expired = 0;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add("u" + i);
            for (int s = 0; s < i % 4; s++) {
                sessions.create(NewSession.forUser("u" + i).build());
                expired++;
            }
        }
        clock.advance(Duration.ofMinutes(31));
        List<CreatedSession> live = new ArrayList<>();
        for (int i = 1; i < USERS; i += 2) {
            for (int s = 0; s <= i % 3; s++) {
                live.add(sessions.create(NewSession.forUser("u" + i).build()));
            }
        }
        // create() drops a user's expired entries itself: those of users who got live sessions are gone.
        int left = 0;
        for (int i = 0; i < USERS; i += 2) {
            left += i % 4;
        }
        assertThat(sessions.cleanup(1000, true).runToEnd().entriesRemoved()).isEqualTo(left);
        assertThat(expired).isGreaterThan(left);

        RedisSessionBackend batched =
                new RedisSessionBackend(backend.connector(), EntryFormat.COMPACT, usersPerCall, entriesPerCall);
        SessionBackend.Expiry now = new SessionBackend.Expiry(
                clock.instant().getEpochSecond(),
                Duration.ofMinutes(30).toSeconds(),
                sessions.settings().absoluteLifetime().toSeconds());

        assertThat(batched.pruneAll(users, now, false).join()).isEqualTo(left);

        assertThat(sessions.cleanup(1000, true).runToEnd().entriesRemoved()).isZero();
        assertThat(batched.pruneAll(users, now, false).join())
                .as("nothing left to remove")
                .isZero();
        for (CreatedSession s : live) {
            assertThat(sessions.get(s.id())).as("live sessions stay").isPresent();
        }
        for (int i = 0; i < USERS; i += 2) {
            String key = backend.connector().keys().key("s", "u" + i);
            assertThat(backend.connector().<Long>sync(c -> c.exists(key)))
                    .as("a user with nothing left has no key")
                    .isZero();
        }
    }
}
