package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.StoreDurabilityException;
import io.gatehouse.testkit.RedisClusterDeployment;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SentinelDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse.redis.tokens.durability = replicated}: a revocation is acknowledged only once WAIT
 * saw a replica confirm it; without enough replicas the caller gets {@link StoreDurabilityException}
 * and the instance refuses the token anyway. And the startup check of the deployment.
 */
class DurabilityIntegrationTest {
    private static final Map<String, String> REPLICATED = Map.of(
            "gatehouse.redis.tokens.durability", "replicated",
            "gatehouse.redis.tokens.durability.replicas", "1",
            "gatehouse.redis.tokens.durability.timeout", "100ms");

    @TempDir
    Path dataDir;

    private final String prefix = "dur" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RedisConnector lastConnector;

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private TokenService service(RedisDeployment redis, Map<String, String> settings) {
        GatehouseConfig.Builder b = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .dataDir(dataDir)
                .set("gatehouse.redis.key-prefix", prefix)
                .set("gatehouse.redis.command-timeout", "5s")
                .set("gatehouse.tokens.revocation.read-block", "200ms");
        settings.forEach(b::set);
        GatehouseConfig config = b.build();
        Stores stores = Stores.open(config);
        closeables.add(stores);
        lastConnector = StoresRedis.of(stores, Purpose.TOKENS).orElseThrow();
        TokenService s = TokenService.builder().config(config).stores(stores).build();
        closeables.add(s);
        return s;
    }

    @Test
    void withoutAReplicaTheRevocationIsNotAcknowledgedButStillRefusedHere() {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            TokenService plain = service(redis, Map.of());
            TokenService replicated = service(redis, REPLICATED);
            TokenPair pair = plain.issue(TokenRequest.of("user-1", "sess-1"));
            assertThat(replicated.verify(pair.accessToken()).subject()).isEqualTo("user-1");

            assertThatThrownBy(() -> replicated.revokeSession(
                            "sess-1", "logout", Instant.now().plus(Duration.ofHours(1))))
                    .isInstanceOfSatisfying(StoreDurabilityException.class, e -> {
                        assertThat(e.confirmed()).isZero();
                        assertThat(e.required()).isEqualTo(1);
                        assertThat(e.getMessage()).contains("0 of 1 replicas confirmed it within 100 ms");
                    });
            assertThat(TestTokenServices.reasonOf(replicated, pair.accessToken()))
                    .as("the local state keeps the revocation")
                    .isEqualTo(RejectReason.REVOKED_SESSION);
            // The master applied it: the other instance learns it from the stream as usual.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> TestTokenServices.reasonOf(plain, pair.accessToken()) == RejectReason.REVOKED_SESSION);
            List<String> notes = lastConnector.probe().notes();
            assertThat(notes).anySatisfy(n -> assertThat(n).contains("durability replicated needs 1 replica(s) but 0"));
        }
    }

    @Test
    void onSentinelTheReplicaHasTheRevocationWhenTheCallReturns() {
        SentinelDeployment sentinel = SharedRedis.sentinel();
        // A generous wait: here the replica is there and must confirm, however loaded the machine.
        Map<String, String> settings = new java.util.HashMap<>(REPLICATED);
        settings.put("gatehouse.redis.tokens.durability.timeout", "3s");
        TokenService replicated = service(sentinel, settings);
        TokenPair pair = replicated.issue(TokenRequest.of("user-1", "sess-r"));
        for (int i = 0; i < 20; i++) {
            replicated.revokeSession("sess-r" + i, "logout", Instant.now().plus(Duration.ofHours(1)));
            // WAIT returned: the replica has applied it, no polling needed.
            assertThat(sentinel.replica().cli("HEXISTS", prefix + ":rev:{log}:session:info", "sess-r" + i))
                    .isEqualTo("1");
        }
        replicated.refresh(pair.refreshToken());
        assertThat(replicated.verify(pair.accessToken()).subject()).isEqualTo("user-1");
    }

    @Test
    void onClusterTheWaitGoesToTheMasterOfTheSlot() {
        // The shared cluster has no replicas: the script runs on the slot's master, WAIT answers 0 there
        // (a WAIT routed elsewhere would answer MOVED or cover nothing).
        RedisClusterDeployment cluster = SharedRedis.cluster();
        TokenService plain = service(cluster, Map.of());
        TokenService replicated = service(cluster, REPLICATED);
        plain.issue(TokenRequest.of("user-1", "sess-c"));
        assertThatThrownBy(() -> replicated.revokeUser("user-c", "admin"))
                .isInstanceOfSatisfying(
                        StoreDurabilityException.class,
                        e -> assertThat(e.confirmed()).isZero());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> plain.revocationStats().counts().get(RevocationKind.USER) == 1L);
    }

    @Test
    void strictRefusesADeploymentThatWouldLoseAcknowledgedWrites() {
        try (StandaloneRedis volatileRedis = StandaloneRedis.start();
                StandaloneRedis evicting =
                        StandaloneRedis.start("appendonly yes", "maxmemory 64mb", "maxmemory-policy allkeys-lru");
                StandaloneRedis safe = StandaloneRedis.start("appendonly yes", "maxmemory 64mb")) {
            assertThatThrownBy(() -> connectStrict(volatileRedis)).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.key()).isEqualTo("gatehouse.redis.durability.check");
                assertThat(e.getMessage()).contains("no persistence and no replica");
            });
            assertThatThrownBy(() -> connectStrict(evicting))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e -> assertThat(e.getMessage()).contains("maxmemory-policy allkeys-lru"));
            try (RedisConnector ok = connectStrict(safe)) {
                assertThat(ok.probe().notes()).noneMatch(n -> n.startsWith("durability"));
            }
            try (RedisConnector warned = RedisConnector.connect(GatehouseConfig.builder()
                    .redisUrl(volatileRedis.url())
                    .build()
                    .redis(Purpose.TOKENS)
                    .orElseThrow())) {
                assertThat(warned.probe().notes())
                        .anySatisfy(n -> assertThat(n).contains("no persistence and no replica"));
            }
        }
    }

    private static RedisConnector connectStrict(StandaloneRedis redis) {
        GatehouseConfig c = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .set("gatehouse.redis.durability.check", "strict")
                .build();
        return RedisConnector.connect(
                c.redis(Purpose.TOKENS).orElseThrow(),
                "tokens,sessions",
                setting -> c.redisKey(Purpose.TOKENS, setting));
    }
}
