package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of {@link RateLimiter}, on the in-memory store and on every Redis topology. Time is a
 * {@link MutableClock} passed to the scripts ({@link TimeSource#CLIENT}), except where a test is about
 * Redis TIME.
 */
class RateLimiterContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private RateLimiter limiter;

    @BeforeEach
    void build() {
        limiter = limiter(CrossSlotMode.OPTIMISTIC, true);
    }

    @AfterEach
    void close() {
        if (limiter != null) {
            limiter.close();
        }
    }

    private RateLimiter limiter(CrossSlotMode mode, boolean denyCache) {
        RateLimiter.Builder b = RateLimiter.builder()
                .clock(clock)
                .timeSource(TimeSource.CLIENT)
                .crossSlot(mode)
                .denyCache(denyCache);
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        return b.build();
    }

    private DecisionSource storeSource() {
        return backend.isRedis() ? DecisionSource.REDIS : DecisionSource.MEMORY;
    }

    @Test
    void allowsTheBurstThenRefusesWithExactRetryAfter() {
        RatePolicy p = RatePolicy.of("api-user", Limit.of(5, Duration.ofSeconds(1)));
        for (int i = 4; i >= 0; i--) {
            Decision d = limiter.decide(p, "u1");
            assertThat(d.source()).isEqualTo(storeSource());
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
            assertThat(d.limit()).isEqualTo(5);
        }
        Decision refused = limiter.decide(p, "u1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(200));
        assertThat(refused.resetAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refused.source()).isEqualTo(storeSource());
    }

    @Test
    void refillsAtTheSustainedRate() {
        RatePolicy p = RatePolicy.of("api-user", Limit.of(5, Duration.ofSeconds(1)));
        for (int i = 0; i < 5; i++) {
            limiter.decide(p, "u1");
        }
        clock.advance(Duration.ofMillis(199));
        assertThat(limiter.decide(p, "u1").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        Decision d = limiter.decide(p, "u1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).isZero();
        assertThat(limiter.decide(p, "u1").allowed()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.peek(p, "u1").remaining()).isEqualTo(5);
    }

    @Test
    void weightedCostTakesSeveralUnits() {
        RatePolicy p = RatePolicy.of("upload", Limit.of(10, Duration.ofSeconds(1)));
        Decision first = limiter.decide(p, "u1", 4);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(6);
        Decision tooBig = limiter.decide(p, "u1", 7);
        assertThat(tooBig.allowed()).isFalse();
        assertThat(tooBig.remaining()).isEqualTo(6);
        assertThat(tooBig.retryAfter()).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.decide(p, "u1", 6).allowed()).isTrue();
    }

    @Test
    void refusesBadInputWithTypedErrorsAndChangesNothing() {
        RatePolicy p = RatePolicy.of("api-user", Limit.of(3, Duration.ofSeconds(1)));
        assertThatThrownBy(() -> limiter.decide(p, "u1", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the burst");
        assertThatThrownBy(() -> limiter.decide(p, "u1", 0)).isInstanceOf(IllegalArgumentException.class);
        for (String bad : new String[] {"a{b}", "with space", "tab\t", "", "ctl\u0001"}) {
            assertThatThrownBy(() -> limiter.decide(p, bad))
                    .as(bad)
                    .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        }
        assertThatThrownBy(() -> RatePolicy.of("Bad Name", Limit.perSecond(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.decideAll(Check.of(p, "u1"), Check.of(p, "u1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> limiter.decideAll(java.util.List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(limiter.peek(p, "u1").remaining()).isEqualTo(3);
        if (backend.isRedis()) {
            assertThat(backend.keyCount()).isZero();
        }
    }

    @Test
    void peekDoesNotConsume() {
        RatePolicy p = RatePolicy.of("api-user", Limit.of(2, Duration.ofMinutes(1)));
        assertThat(limiter.peek(p, "u1").remaining()).isEqualTo(2);
        assertThat(limiter.peek(p, "u1").allowed()).isTrue();
        limiter.decide(p, "u1");
        limiter.decide(p, "u1");
        Decision peek = limiter.peek(p, "u1");
        assertThat(peek.allowed()).isFalse();
        assertThat(peek.remaining()).isZero();
        assertThat(peek.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void resetForgetsTheSubjectAndItsLocalRefusal() {
        RatePolicy p = RatePolicy.of("login-ip", Limit.of(1, Duration.ofMinutes(1)));
        limiter.decide(p, "10.0.0.1");
        assertThat(limiter.decide(p, "10.0.0.1").allowed()).isFalse();
        assertThat(limiter.decide(p, "10.0.0.1").source()).isEqualTo(DecisionSource.LOCAL_DENY);
        limiter.reset(p, "10.0.0.1");
        Decision d = limiter.decide(p, "10.0.0.1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.source()).isEqualTo(storeSource());
    }

    @Test
    void aResetElsewhereClearsThisInstancesDenyCache() {
        if (!backend.isRedis()) {
            return;
        }
        RatePolicy p = RatePolicy.of("login-ip", Limit.of(1, Duration.ofHours(1)));
        try (RateLimiter admin = RateLimiter.builder()
                .stores(backend.stores())
                .clock(clock)
                .timeSource(TimeSource.CLIENT)
                .build()) {
            limiter.decide(p, "10.0.0.1");
            assertThat(limiter.decide(p, "10.0.0.1").allowed()).isFalse();
            assertThat(limiter.decide(p, "10.0.0.1").source()).isEqualTo(DecisionSource.LOCAL_DENY);
            admin.reset(p, "10.0.0.1");
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> limiter.peek(p, "10.0.0.1").allowed()
                            && limiter.decide(p, "10.0.0.1").allowed());
        }
    }

    @Test
    void limitsChangeAtRunTime() {
        // The state is time (when the key drains), so a new limit applies to it at once: raising the burst
        // admits more now; lowering the rate makes the same history weigh more.
        limiter = limiter(CrossSlotMode.OPTIMISTIC, false);
        RatePolicy small = RatePolicy.of("api-user", Limit.of(1, Duration.ofMinutes(1)));
        assertThat(limiter.decide(small, "u1").allowed()).isTrue();
        assertThat(limiter.decide(small, "u1").allowed()).isFalse();
        RatePolicy biggerBurst = small.withLimit(Limit.of(1, Duration.ofMinutes(1), 3));
        assertThat(limiter.decide(biggerBurst, "u1").allowed()).isTrue();
        assertThat(limiter.decide(biggerBurst, "u1").allowed()).isTrue();
        assertThat(limiter.decide(biggerBurst, "u1").allowed()).isFalse();

        RatePolicy generous = RatePolicy.of("api-ip", Limit.of(10, Duration.ofSeconds(10)));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.decide(generous, "10.0.0.1").allowed()).isTrue();
        }
        RatePolicy strict = generous.withLimit(Limit.of(5, Duration.ofSeconds(10)));
        Decision d = limiter.decide(strict, "10.0.0.1");
        assertThat(d.allowed()).as("5 s of history against a 10 s tolerance").isTrue();
        assertThat(d.remaining()).isEqualTo(1);
    }

    @Test
    void severalLimitsOfOneSubjectAreAllOrNothing() {
        RatePolicy perSecond = RatePolicy.of("api-second", Limit.of(10, Duration.ofSeconds(1)));
        RatePolicy perDay = RatePolicy.of("api-day", Limit.of(2, Duration.ofDays(1)));
        assertThat(limiter.decideAll(Check.of(perSecond, "u1"), Check.of(perDay, "u1"))
                        .allowed())
                .isTrue();
        assertThat(limiter.decideAll(Check.of(perSecond, "u1"), Check.of(perDay, "u1"))
                        .allowed())
                .isTrue();
        MultiDecision refused = limiter.decideAll(Check.of(perSecond, "u1"), Check.of(perDay, "u1"));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.decisions()).extracting(Decision::policy).containsExactly("api-second", "api-day");
        assertThat(refused.decisions().get(0).allowed())
                .as("the per-second limit alone would allow")
                .isTrue();
        assertThat(refused.refusal().orElseThrow().policy()).isEqualTo("api-day");
        assertThat(limiter.peek(perSecond, "u1").remaining())
                .as("refused request consumed nothing")
                .isEqualTo(8);
    }

    @Test
    void aRequestRefusedByOneSubjectConsumesNothingOfAnother() {
        for (CrossSlotMode mode : CrossSlotMode.values()) {
            backend.flush();
            RateLimiter l = limiter(mode, false);
            RatePolicy ip = RatePolicy.of("login-ip", Limit.of(10, Duration.ofMinutes(1)));
            RatePolicy account = RatePolicy.of("login-account", Limit.of(2, Duration.ofMinutes(1)));
            for (int i = 0; i < 2; i++) {
                assertThat(l.decideAll(Check.of(ip, "10.0.0." + i), Check.of(account, "alice"))
                                .allowed())
                        .isTrue();
            }
            for (int i = 0; i < 5; i++) {
                MultiDecision m = l.decideAll(Check.of(ip, "10.0.0.9"), Check.of(account, "alice"));
                assertThat(m.allowed()).as(mode.name()).isFalse();
                assertThat(m.decisions().get(0).allowed()).isTrue();
            }
            assertThat(l.peek(ip, "10.0.0.9").remaining())
                    .as(mode + ": refused requests left the IP limit untouched")
                    .isEqualTo(10);
            if (backend.isRedis()) {
                String key = backend.connector().keys().key("rl", "10.0.0.9", "login-ip");
                Long exists = backend.connector().sync(c -> c.exists(key));
                assertThat(exists).as("refunded key drained and deleted").isZero();
            }
        }
    }

    @Test
    void crossSlotModesDifferInRoundTripsAsDocumented() {
        if (backend != io.gatehouse.testing.Backend.STANDALONE) {
            return; // INFO commandstats of one server counts every script call only on a single node
        }
        RatePolicy ip = RatePolicy.of("login-ip", Limit.of(10, Duration.ofMinutes(1)));
        RatePolicy account = RatePolicy.of("login-account", Limit.of(1, Duration.ofMinutes(1)));
        // scripts per request: {admitted, refused}
        long[][] expected = {{2, 3}, {4, 2}};
        for (CrossSlotMode mode : CrossSlotMode.values()) {
            backend.flush();
            RateLimiter l = limiter(mode, false);
            long before = scriptCalls();
            assertThat(l.decideAll(Check.of(ip, "10.0.0.1"), Check.of(account, "alice"))
                            .allowed())
                    .isTrue();
            long admitted = scriptCalls() - before;
            before = scriptCalls();
            assertThat(l.decideAll(Check.of(ip, "10.0.0.1"), Check.of(account, "alice"))
                            .allowed())
                    .isFalse();
            long refused = scriptCalls() - before;
            assertThat(new long[] {admitted, refused})
                    .as(mode + ": scripts for an admitted and a refused request")
                    .containsExactly(expected[mode.ordinal()]);
        }
    }

    private long scriptCalls() {
        long total = 0;
        for (String line : backend.connector().sync(c -> c.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                // Executions: calls minus the failed ones (an EVALSHA answered NOSCRIPT is retried as EVAL).
                total += stat(line, "calls=") - stat(line, "failed_calls=");
            }
        }
        return total;
    }

    private static long stat(String line, String name) {
        int at = line.indexOf("," + name) >= 0 ? line.indexOf("," + name) + 1 : line.indexOf(name);
        int end = line.indexOf(',', at);
        return Long.parseLong(line.substring(at + name.length(), end < 0 ? line.length() : end)
                .trim());
    }

    @Test
    void concurrentDecisionsAdmitExactlyTheBurst() throws Exception {
        RatePolicy p = RatePolicy.of("api-user", Limit.of(100, Duration.ofHours(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Callable<Integer> task = () -> {
                    int allowed = 0;
                    for (int i = 0; i < 40; i++) {
                        if (limiter.decide(p, "hot").allowed()) {
                            allowed++;
                        }
                    }
                    return allowed;
                };
                results.add(pool.submit(task));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            assertThat(total).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusedKeyIsAnsweredLocallyUntilItsRetryAfter() {
        List<Decision> events = new ArrayList<>();
        RateLimiter.Builder b = RateLimiter.builder()
                .clock(clock)
                .timeSource(TimeSource.CLIENT)
                .listener(new RateLimitListener() {
                    @Override
                    public void exceeded(String subject, Decision decision) {
                        events.add(decision);
                    }
                });
        if (backend.isRedis()) {
            b.stores(backend.stores());
        }
        RateLimiter l = b.build();
        RatePolicy p = RatePolicy.of("login-ip", Limit.of(2, Duration.ofSeconds(10)));
        l.decide(p, "10.0.0.1");
        l.decide(p, "10.0.0.1");
        Decision refused = l.decide(p, "10.0.0.1");
        assertThat(refused.source()).isEqualTo(storeSource());
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        if (backend.isRedis()) {
            // Behind the limiter's back: were it asking Redis, it would now allow.
            backend.flush();
        }
        clock.advance(Duration.ofMillis(4_999));
        for (int i = 0; i < 100; i++) {
            Decision local = l.decide(p, "10.0.0.1");
            assertThat(local.allowed()).isFalse();
            assertThat(local.source()).isEqualTo(DecisionSource.LOCAL_DENY);
            assertThat(local.retryAfter()).isEqualTo(Duration.ofMillis(1));
        }
        assertThat(events).as("one event per deny period, not one per refusal").hasSize(1);
        clock.advance(Duration.ofMillis(1));
        Decision after = l.decide(p, "10.0.0.1");
        assertThat(after.allowed()).isTrue();
        assertThat(after.source()).isEqualTo(storeSource());
    }

    @Test
    void redisTimeIsTheDefaultClock() {
        if (!backend.isRedis()) {
            return;
        }
        RateLimiter l = RateLimiter.builder().stores(backend.stores()).build();
        RatePolicy p = RatePolicy.of("login-account", Limit.of(3, Duration.ofHours(1)));
        for (int i = 0; i < 3; i++) {
            assertThat(l.decide(p, "alice").allowed()).isTrue();
        }
        Decision refused = l.decide(p, "alice");
        assertThat(refused.allowed()).isFalse();
        // 20 min minus the few ms that passed on Redis's clock between the calls.
        assertThat(refused.retryAfter()).isBetween(Duration.ofMinutes(20).minusSeconds(5), Duration.ofMinutes(20));
        String key = backend.connector().keys().key("rl", "alice", "login-account");
        assertThat(key).isEqualTo("gatehouse:rl:{alice}:login-account");
        Long pttl = backend.connector().sync(c -> c.pttl(key));
        assertThat(pttl)
                .as("the key expires when its state has drained")
                .isBetween(
                        Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
    }
}
