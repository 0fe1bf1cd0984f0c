package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server's scheduled cleanup: removes expired sessions, one instance per deployment and interval. */
class ScheduledCleanupContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");

    private SessionStore store() {
        SessionStore.Builder b = SessionStore.builder()
                .clock(clock)
                .config(GatehouseConfig.builder()
                        .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                        .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                        .build());
        return backend.isRedis()
                ? b.stores(backend.stores()).build()
                : b.inMemory().build();
    }

    private Stores stores() {
        return backend.isRedis() ? Stores.open(backend.config()) : Stores.inMemory();
    }

    @Test
    void removesExpiredSessionsAndOnlyOneInstanceRunsPerInterval() {
        SessionStore sessions = store();
        sessions.create(NewSession.forUser("u1").build());
        sessions.create(NewSession.forUser("u2").build());
        clock.advance(sessions.settings().idleTimeout().plusSeconds(1));
        CreatedSession live = sessions.create(NewSession.forUser("u3").build());

        Stores stores = stores();
        ScheduledCleanup first = new ScheduledCleanup(sessions, stores, Duration.ofHours(1));
        ScheduledCleanup second = new ScheduledCleanup(sessions, stores, Duration.ofHours(1));
        CleanupBatch b = first.runOnce().orElseThrow();
        assertThat(b.entriesRemoved()).isEqualTo(2);
        assertThat(first.entriesRemoved()).isEqualTo(2);
        assertThat(first.runs()).isEqualTo(1);
        assertThat(sessions.get(live.id())).isPresent();

        if (backend.isRedis()) {
            assertThat(second.runOnce())
                    .as("the lease is the first instance's for this interval")
                    .isEmpty();
            assertThat(second.skipped()).isEqualTo(1);
            assertThat(first.runOnce())
                    .as("nor does the first run twice in one interval")
                    .isEmpty();
        } else {
            assertThat(second.runOnce())
                    .as("in memory every instance is its own deployment")
                    .isPresent();
        }
        stores.close();
    }

    @Test
    void theIntervalIsReadFromTheConfiguration() {
        assertThat(ScheduledCleanup.interval(GatehouseConfig.builder().build())).contains(Duration.ofHours(1));
        assertThat(ScheduledCleanup.interval(GatehouseConfig.builder()
                        .set(ScheduledCleanup.INTERVAL_KEY, "0s")
                        .build()))
                .isEmpty();
        assertThat(ScheduledCleanup.interval(GatehouseConfig.builder()
                        .set(ScheduledCleanup.INTERVAL_KEY, "15m")
                        .build()))
                .contains(Duration.ofMinutes(15));
        assertThatThrownBy(() -> ScheduledCleanup.interval(GatehouseConfig.builder()
                        .set(ScheduledCleanup.INTERVAL_KEY, "10ms")
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ScheduledCleanup.INTERVAL_KEY);
    }

    @Test
    void aDryRunCountsWhatACleanupWouldRemoveAndRemovesNothing() {
        SessionStore sessions = store();
        sessions.create(NewSession.forUser("u1").build());
        sessions.create(NewSession.forUser("u1").build());
        sessions.create(NewSession.forUser("u2").build());
        clock.advance(sessions.settings().idleTimeout().plusSeconds(1));

        assertThat(sessions.cleanup(1, true).runToEnd().entriesRemoved()).isEqualTo(3);
        assertThat(sessions.cleanup(1, true).runToEnd().entriesRemoved())
                .as("nothing was removed")
                .isEqualTo(3);
        assertThat(sessions.cleanup(1).runToEnd().entriesRemoved()).isEqualTo(3);
        assertThat(sessions.cleanup(1, true).runToEnd().entriesRemoved()).isZero();
    }
}
