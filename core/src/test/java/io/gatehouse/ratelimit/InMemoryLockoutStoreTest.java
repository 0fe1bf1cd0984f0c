package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.MutableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryLockoutStoreTest {

    @Test
    void forgottenLockoutCountersLeaveMemory() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        InMemoryLockoutStore store = new InMemoryLockoutStore(clock);
        LockoutPolicy policy = LockoutPolicy.defaults();
        int[] max = {100};
        for (int i = 0; i < 5000; i++) {
            store.apply(true, "lockip", "198.51.100." + i, List.of("ip"), max, policy)
                    .join();
        }
        assertThat(store.size()).isEqualTo(5000);
        clock.advance(policy.failureReset().plusSeconds(1));
        for (int i = 0; i < InMemoryLockoutStore.SWEEP_EVERY; i++) {
            store.apply(true, "lockip", "203.0.113.1", List.of("ip"), max, policy)
                    .join();
        }
        assertThat(store.size()).as("only the address still failing is held").isEqualTo(1);
    }
}
