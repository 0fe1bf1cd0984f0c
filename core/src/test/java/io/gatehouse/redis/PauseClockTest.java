package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pause clock on an injected clock: what counts as a pause, and that nothing is counted twice. */
class PauseClockTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PauseClock clock = new PauseClock(now::get);

    private void advanceMillis(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private void tickEvery10MsFor(int ticks) {
        for (int i = 0; i < ticks; i++) {
            advanceMillis(10);
            clock.tick();
        }
    }

    @Test
    void aTickerOnTimeSeesNoPause() {
        tickEvery10MsFor(500);
        assertThat(clock.pausedNanos()).isZero();
    }

    @Test
    void latenessUpToTheThresholdIsSchedulingNoiseNotAPause() {
        for (int i = 0; i < 50; i++) {
            advanceMillis(10 + 100); // late by exactly the threshold
            clock.tick();
        }
        assertThat(clock.pausedNanos()).isZero();
    }

    @Test
    void aPauseIsCountedWhileItLastsAndOnceAfterTheTickerWakes() {
        tickEvery10MsFor(10);
        advanceMillis(2_000); // the process did not run for 2 s
        long during = clock.pausedNanos(); // a timer that fires before the ticker wakes sees it already
        assertThat(during).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_990));
        clock.tick();
        assertThat(clock.pausedNanos()).isEqualTo(during);
        tickEvery10MsFor(100);
        assertThat(clock.pausedNanos()).isEqualTo(during);
        advanceMillis(500);
        clock.tick();
        assertThat(clock.pausedNanos()).isEqualTo(during + TimeUnit.MILLISECONDS.toNanos(490));
    }
}
