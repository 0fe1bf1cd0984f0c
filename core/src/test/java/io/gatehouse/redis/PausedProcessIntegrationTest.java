package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.testkit.FaultProxy;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A command timeout is about Redis, not about this process: time in which this process did not run (a
 * full GC, a starved CPU) is not counted, up to one more command timeout. The pause is simulated with a
 * {@link PauseClock} that never ticks (so it reports all the time since it was made as a pause) or one
 * whose clock stands still (no pause ever); the slow reply is real, from redis-server behind a proxy that
 * delays it.
 */
class PausedProcessIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private StandaloneRedis redis;
    private FaultProxy proxy;
    private RedisConnector connector;

    @BeforeEach
    void start() {
        redis = StandaloneRedis.start();
        proxy = FaultProxy.start(redis.node());
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        proxy.close();
        redis.close();
    }

    private RedisConnector connect(PauseClock clock) {
        GatehouseConfig config = GatehouseConfig.builder()
                .redisUrl(proxy.url())
                .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                .set("gatehouse.redis.connect-timeout", "30s")
                .build();
        connector = RedisConnector.connect(
                config.redis(Purpose.TOKENS).orElseThrow(),
                "tokens",
                setting -> "gatehouse.redis." + setting,
                RedisCommandListener.NONE,
                clock);
        return connector;
    }

    /** A reply 1.4 s away: later than the command timeout, sooner than twice it. */
    private void replyIn1400ms() {
        proxy.latency(Duration.ofMillis(700));
    }

    @Test
    void aReplyLateOnlyBecauseThisProcessPausedIsNotATimeout() {
        RedisConnector c = connect(new PauseClock(System::nanoTime)); // never ticks: always paused
        replyIn1400ms();
        for (int i = 0; i < 3; i++) {
            String reply = c.sync(x -> x.ping());
            assertThat(reply).isEqualTo("PONG");
        }
        assertThat(c.circuitState()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void withoutAPauseTheCommandTimeoutHolds() {
        RedisConnector c = connect(new PauseClock(() -> 0L)); // time stands still: never paused
        replyIn1400ms();
        assertThatThrownBy(() -> c.sync(x -> x.ping())).isInstanceOf(StoreTimeoutException.class);
    }

    @Test
    void aPauseDoesNotExtendACallPastTwiceTheCommandTimeout() {
        RedisConnector c = connect(new PauseClock(System::nanoTime));
        proxy.latency(Duration.ofMillis(1_500)); // a reply 3 s away
        assertThatThrownBy(() -> c.sync(x -> x.ping()))
                .isInstanceOf(StoreTimeoutException.class)
                .hasMessageContaining("did not answer in time");
    }
}
