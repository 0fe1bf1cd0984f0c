package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryEventStoreTest {

    @Test
    void inMemoryEventsAreCapped(@TempDir Path dir) {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        EventSettings settings = EventSettings.from(GatehouseConfig.builder()
                .dataDir(dir)
                .set("gatehouse.events.memory.max-events", "1000")
                .build());
        InMemoryEventStore store = new InMemoryEventStore(settings, clock);
        for (int batch = 0; batch < 50; batch++) {
            List<SecurityEvent> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // 5000 events, one user each for most of them, and a noisy user for the rest.
                String user = i % 2 == 0 ? "noisy" : "user-" + batch + "-" + i;
                events.add(SecurityEvent.builder(EventType.LOGIN_FAILURE)
                        .user(user)
                        .time(clock.instant())
                        .id(EventIds.next(clock.millis()))
                        .build());
            }
            store.write(events);
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(store.eventCount()).isLessThanOrEqualTo(2 * 1000);
    }
}
