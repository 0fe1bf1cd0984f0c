package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.RedisEndpoint;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.StoreCommandException;
import io.gatehouse.store.StoreScriptException;
import io.gatehouse.store.TargetHealth;
import io.gatehouse.testing.RedisContract;
import io.gatehouse.testkit.RedisNode;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The connector's behaviour on each Redis topology: commands, scripts, errors, health, Pub/Sub. */
class RedisConnectorIntegrationTest extends RedisContract {

    // Only commands the shipped ACL gives the gatehouse user (the TLS topology runs under it).
    private static final RedisScript COUNTER = RedisScript.of(
            "test/counter",
            "local n = redis.call('HINCRBY', KEYS[1], 'n', ARGV[1])\n"
                    + "redis.call('SET', KEYS[2], n)\n"
                    + "return {n, KEYS[2]}",
            RedisScript.Reply.MULTI);

    /** Each key on its own: INCR it; the reply is how many keys the call had. */
    private static final RedisScript EACH = RedisScript.of(
            "test/each",
            "for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end\n" + "return #KEYS",
            RedisScript.Reply.INTEGER);

    @Test
    void aBatchOfKeysOfManySlotsRunsInFewCallsEachValidOnItsTopology() {
        RedisConnector redis = backend.connector();
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            keys.add(redis.keys().key("test", "each" + i));
        }

        List<Long> calls = redis.connection().<Long>evalBatches(EACH, keys, 100).join();

        assertThat(calls.stream().mapToLong(Long::longValue).sum()).isEqualTo(keys.size());
        if (redis.isCluster()) {
            // Redis refuses keys of several slots in one call: one call per slot here.
            assertThat(calls).hasSize((int)
                    keys.stream().mapToInt(KeySpace::slot).distinct().count());
        } else {
            assertThat(calls).as("a single server has no slots").containsExactly(100L, 100L, 100L, 100L, 100L);
        }
        for (String key : keys) {
            assertThat(redis.<String>sync(c -> c.get(key))).as(key).isEqualTo("1");
        }
    }

    @Test
    void commandsRoundTrip() {
        RedisConnector redis = backend.connector();
        String key = redis.keys().key("test", "t1", "greeting");
        redis.sync(c -> c.set(key, "hello"));
        assertThat(redis.<String>sync(c -> c.get(key))).isEqualTo("hello");
        assertThat(redis.circuitState()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aCommandListenerHearsEveryCommandWithItsTargetAndLatency() {
        record Heard(String target, String command, long nanos) {}
        List<Heard> heard = new CopyOnWriteArrayList<>();
        RedisEndpoint endpoint =
                backend.config().redis(io.gatehouse.config.Purpose.TOKENS).orElseThrow();
        try (RedisConnector redis = RedisConnector.connect(
                endpoint,
                "tokens",
                s -> "gatehouse.redis." + s,
                (target, command, nanos) -> heard.add(new Heard(target, command, nanos)))) {
            String key = redis.keys().key("test", "listener", "k");
            redis.sync(c -> c.set(key, "v"));
            redis.eval(
                    COUNTER,
                    List.of(
                            redis.keys().key("test", "listener", "n"),
                            redis.keys().key("test", "listener", "c")),
                    "1");
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(heard)
                            .anySatisfy(h -> assertThat(h.command()).isEqualTo("SET"))
                            .anySatisfy(h -> assertThat(h.command()).isIn("EVALSHA", "EVAL")));
            assertThat(heard).allSatisfy(h -> {
                assertThat(h.target()).isEqualTo(redis.target()).startsWith("tokens@");
                assertThat(h.nanos()).isPositive();
            });
        }
    }

    @Test
    void scriptsRunAndSurviveScriptFlush() {
        RedisConnector redis = backend.connector();
        List<String> keys =
                List.of(redis.keys().key("test", "t2", "n"), redis.keys().key("test", "t2", "copy"));
        List<Object> first = redis.eval(COUNTER, keys, "5");
        assertThat(first).containsExactly(5L, keys.get(1));

        // A restart, failover or flush leaves the server without the script: EVALSHA answers NOSCRIPT.
        for (RedisNode master : backend.deployment().masters()) {
            master.cli("SCRIPT", "FLUSH");
        }
        List<Object> second = redis.eval(COUNTER, keys, "2");
        assertThat(second).containsExactly(7L, keys.get(1));
    }

    @Test
    void preloadPutsScriptsOnEveryMaster() {
        RedisScript script =
                RedisScript.of("test/preload-" + backend, "return '" + backend + "'", RedisScript.Reply.VALUE);
        backend.connector().preload(List.of(script));
        for (RedisNode master : backend.deployment().masters()) {
            assertThat(master.cli("SCRIPT", "EXISTS", script.sha())).contains("1");
        }
    }

    @Test
    void keysInDifferentSlotsAreRefusedBeforeReachingRedis() {
        RedisConnector redis = backend.connector();
        List<String> keys = List.of(redis.keys().key("test", "a"), redis.keys().key("test", "b"));
        assertThatThrownBy(() -> redis.eval(COUNTER, keys, "1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsAreTyped() {
        RedisConnector redis = backend.connector();
        String key = redis.keys().key("test", "t3");
        redis.sync(c -> c.set(key, "a string"));
        assertThatThrownBy(() -> redis.sync(c -> c.hset(key, "f", "x")))
                .isInstanceOf(StoreCommandException.class)
                .hasMessageContaining("WRONGTYPE");

        RedisScript failing =
                RedisScript.of("test/failing", "return redis.error_reply('boom')", RedisScript.Reply.VALUE);
        assertThatThrownBy(() -> redis.eval(failing, List.of(key)))
                .isInstanceOfSatisfying(StoreScriptException.class, e -> {
                    assertThat(e.script()).isEqualTo("test/failing");
                    assertThat(e.getMessage()).contains("boom");
                });
        assertThat(redis.circuitState()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void asyncFailuresAreOursToo() {
        RedisConnector redis = backend.connector();
        String key = redis.keys().key("test", "t4");
        redis.sync(c -> c.set(key, "v"));
        CompletableFuture<Long> f = redis.async(c -> c.incr(key));
        assertThat(f)
                .failsWithin(Duration.ofSeconds(2))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(StoreCommandException.class);
    }

    @Test
    void healthProbeReadsEveryMaster() {
        TargetHealth health = backend.connector().probe();
        assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(health.version()).hasValueSatisfying(v -> assertThat(v).startsWith("7."));
        assertThat(health.role()).contains("master");
        assertThat(health.nodes()).isEqualTo(backend.deployment().masters().size());
        assertThat(health.connectedClients()).isPositive();
        assertThat(health.usedMemoryBytes()).isPositive();
        assertThat(health.pingRoundTrip()).isPresent();
        assertThat(health.circuit()).isEqualTo("closed");
    }

    @Test
    void pubSubDeliversMessages() throws Exception {
        RedisConnector redis = backend.connector();
        String channel = redis.keys().channel("test-" + System.nanoTime());
        List<String> received = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = redis.subscribe(channel, received::add)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                redis.publish(channel, "ping");
                assertThat(received).contains("ping");
            });
        }
    }

    @Test
    void dedicatedConnectionServesBlockingReads() {
        RedisConnector redis = backend.connector();
        String stream = redis.keys().key("test", "t5", "stream");
        try (RedisConnection blocking = redis.openDedicated()) {
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> blocking.syncBlocking(
                            Duration.ofSeconds(5),
                            c -> c.xread(XReadArgs.Builder.block(Duration.ofSeconds(5)), StreamOffset.latest(stream)))
                    .size());
            // the shared connection is not held up by the blocked read
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                redis.sync(c -> c.xadd(stream, Map.of("k", "v")));
                assertThat(read).isCompletedWithValue(1);
            });
        }
    }

    @Test
    void aDedicatedConnectionClosedTwiceClosesOnceWithoutLettucesWarning() {
        Logger lettuce = (Logger) LoggerFactory.getLogger(RedisChannelHandler.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        lettuce.addAppender(seen);
        try {
            RedisConnection dedicated = backend.connector().openDedicated();
            dedicated.close();
            dedicated.close(); // as the revocation link's owner and its reader thread both do on the way out
            assertThat(seen.list)
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .isEmpty();
            String pong = backend.connector().sync(c -> c.ping());
            assertThat(pong).isEqualTo("PONG"); // the connector itself is untouched
        } finally {
            lettuce.detachAppender(seen);
        }
    }
}
