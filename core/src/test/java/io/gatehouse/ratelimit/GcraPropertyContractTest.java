package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of GCRA over random arrival sequences (seeded; the seed is in the test name and printed):
 * <ol>
 *   <li>in every window [t1, t2] the units allowed never exceed {@code burst + rate * (t2 - t1)}, on the
 *       in-memory limiter and on Redis (standalone and Cluster);</li>
 *   <li>the in-memory GCRA and the Lua GCRA give the same decision, field by field, for every request of
 *       the same sequence.</li>
 * </ol>
 *
 * <p>Time is the injected clock, but Redis expires a key (its PX, computed from that clock) in real time.
 * A clock that stood still while real time passed would let Redis forget a TAT the clock says is still
 * in the future, and Redis would then allow what the in-memory limiter refuses: the test would fail on a
 * slow machine for a reason production never meets (there the client clock advances with real time). So
 * the clocks follow a {@link Timeline}: the seeded gaps plus the real time that passed, never behind real
 * time; and the scenarios are in seconds to hours (emission intervals of 2.5 s and more), so the real
 * time a test run takes is negligible next to any key's time to live.
 */
class GcraPropertyContractTest {
    private static final int ARRIVALS = 400;

    static Stream<Arguments> boundCases() {
        List<Arguments> out = new ArrayList<>();
        long base = 0x5eed_0000L;
        for (Backend b : new Backend[] {Backend.IN_MEMORY, Backend.STANDALONE, Backend.CLUSTER}) {
            for (int i = 0; i < 12; i++) {
                out.add(Arguments.of(b, base + i));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> agreementCases() {
        List<Arguments> out = new ArrayList<>();
        long base = 0xa9_0000L;
        for (Backend b : new Backend[] {Backend.STANDALONE, Backend.CLUSTER}) {
            for (int i = 0; i < 12; i++) {
                out.add(Arguments.of(b, base + i));
            }
        }
        return out.stream();
    }

    /** A random limit and arrival sequence, fully determined by the seed. */
    record Scenario(Limit limit, long[] gapsMillis, long[] costs) {
        /** Test time runs this much faster than the seeded milliseconds (see the class comment). */
        static final long SCALE = 1_000;

        static Scenario of(long seed) {
            Random r = new Random(seed);
            long count = 1 + r.nextInt(20);
            Duration period = Duration.ofMillis((50 + r.nextInt(5_000)) * SCALE);
            long burst = 1 + r.nextInt(25);
            Limit limit = Limit.of(count, period, burst);
            long meanGap = Math.max(1, period.toMillis() / count);
            long[] gaps = new long[ARRIVALS];
            long[] costs = new long[ARRIVALS];
            for (int i = 0; i < ARRIVALS; i++) {
                // Bursts of simultaneous arrivals, quick runs and pauses, so every regime is visited.
                int kind = r.nextInt(10);
                gaps[i] = kind < 3
                        ? 0
                        : kind < 8
                                ? r.nextInt((int) Math.max(1, meanGap / SCALE)) * SCALE
                                : r.nextInt((int) (meanGap / SCALE * 4 + 1)) * SCALE;
                costs[i] = 1 + (r.nextInt(4) == 0 ? r.nextInt((int) Math.min(3, burst)) : 0);
            }
            return new Scenario(limit, gaps, costs);
        }
    }

    /**
     * The clocks' time: the seeded gaps plus the real time that passed since the start, so a clock is never
     * behind real time and a key Redis expired (in real time) has a TAT the clock has passed too.
     */
    static final class Timeline {
        private final long startNanos = System.nanoTime();
        private long seededMillis;
        private long nowMillis;

        /** Moves on by {@code gapMillis} plus the real time since the last step; returns the step to advance. */
        Duration step(long gapMillis) {
            seededMillis += gapMillis;
            long target = seededMillis + (System.nanoTime() - startNanos) / 1_000_000;
            Duration step = Duration.ofMillis(target - nowMillis);
            nowMillis = target;
            return step;
        }

        long nowMillis() {
            return nowMillis;
        }
    }

    private static RateLimiter limiter(Backend backend, MutableClock clock, boolean denyCache) {
        RateLimiter.Builder b =
                RateLimiter.builder().clock(clock).timeSource(TimeSource.CLIENT).denyCache(denyCache);
        if (backend.isRedis()) {
            backend.flush();
            b.stores(backend.stores());
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("boundCases")
    void allowedUnitsInAnyWindowStayWithinBurstPlusRateTimesWindow(Backend backend, long seed) {
        System.out.println("GcraPropertyContractTest bound: backend " + backend + " seed " + seed);
        Scenario s = Scenario.of(seed);
        MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
        RatePolicy p = RatePolicy.of("prop", s.limit());
        List<long[]> allowed = new ArrayList<>();
        try (RateLimiter l = limiter(backend, clock, true)) {
            Timeline time = new Timeline();
            for (int i = 0; i < ARRIVALS; i++) {
                clock.advance(time.step(s.gapsMillis()[i]));
                if (l.decide(p, "k", s.costs()[i]).allowed()) {
                    allowed.add(new long[] {time.nowMillis(), s.costs()[i]});
                }
            }
        }
        assertThat(allowed).as("seed %d: something is allowed", seed).isNotEmpty();
        long periodMs = s.limit().period().toMillis();
        for (int i = 0; i < allowed.size(); i++) {
            long units = 0;
            for (int j = i; j < allowed.size(); j++) {
                units += allowed.get(j)[1];
                long window = allowed.get(j)[0] - allowed.get(i)[0];
                // units <= burst + count * window / period, in integers
                assertThat((units - s.limit().burst()) * periodMs)
                        .as("seed %d (%s): %d units allowed in a window of %d ms", seed, s.limit(), units, window)
                        .isLessThanOrEqualTo(s.limit().count() * window);
            }
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("agreementCases")
    void inMemoryAndLuaAgreeDecisionByDecision(Backend backend, long seed) {
        System.out.println("GcraPropertyContractTest agreement: backend " + backend + " seed " + seed);
        Scenario s = Scenario.of(seed);
        MutableClock memClock = MutableClock.at("2026-03-01T00:00:00Z");
        MutableClock redisClock = MutableClock.at("2026-03-01T00:00:00Z");
        RatePolicy p = RatePolicy.of("prop", s.limit());
        RatePolicy other = RatePolicy.of(
                "prop-2", Limit.of(s.limit().count() + 1, s.limit().period()));
        try (RateLimiter mem = limiter(Backend.IN_MEMORY, memClock, false);
                RateLimiter lua = limiter(backend, redisClock, false)) {
            int allowed = 0;
            Timeline time = new Timeline();
            for (int i = 0; i < ARRIVALS; i++) {
                Duration gap = time.step(s.gapsMillis()[i]);
                memClock.advance(gap);
                redisClock.advance(gap);
                long cost = s.costs()[i];
                if (i % 5 == 4) {
                    // Every fifth request is a two-limit decision, to hold the multi-limit path to the same rule.
                    MultiDecision a = mem.decideAll(Check.of(p, "k", cost), Check.of(other, "k"));
                    MultiDecision b = lua.decideAll(Check.of(p, "k", cost), Check.of(other, "k"));
                    assertThat(b.allowed()).as("seed %d request %d", seed, i).isEqualTo(a.allowed());
                    for (int k = 0; k < 2; k++) {
                        assertSame(seed, i, a.decisions().get(k), b.decisions().get(k));
                    }
                    allowed += a.allowed() ? 1 : 0;
                } else {
                    Decision a = mem.decide(p, "k", cost);
                    Decision b = lua.decide(p, "k", cost);
                    assertSame(seed, i, a, b);
                    allowed += a.allowed() ? 1 : 0;
                }
            }
            assertThat(allowed).as("seed %d: a mix of outcomes", seed).isBetween(1, ARRIVALS - 1);
        }
    }

    private static void assertSame(long seed, int i, Decision mem, Decision lua) {
        String at = "seed " + seed + " request " + i;
        assertThat(lua.allowed()).as(at + " allowed").isEqualTo(mem.allowed());
        assertThat(lua.remaining()).as(at + " remaining").isEqualTo(mem.remaining());
        assertThat(lua.retryAfter()).as(at + " retry-after").isEqualTo(mem.retryAfter());
        assertThat(lua.resetAfter()).as(at + " reset-after").isEqualTo(mem.resetAfter());
        assertThat(lua.source()).isEqualTo(DecisionSource.REDIS);
        assertThat(mem.source()).isEqualTo(DecisionSource.MEMORY);
    }
}
