package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokens purpose's Redis reaches {@code maxmemory} with {@code noeviction}: a revocation fails with
 * {@link StoreFullException} (a clear error, counted by the connector's listener: the server's
 * {@code gatehouse.redis.errors{error="full"}}), the revoked token is refused by this instance anyway,
 * and Redis evicted nothing.
 */
class MemoryFullIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void revocationsFailClosedAndNothingIsEvicted() {
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        RedisCommandListener listener = new RedisCommandListener() {
            @Override
            public void completed(String target, String command, long nanos) {}

            @Override
            public void failed(String target, StoreException error) {
                errors.computeIfAbsent(error.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
            }
        };
        try (StandaloneRedis redis = StandaloneRedis.start("maxmemory-policy noeviction")) {
            GatehouseConfig config = GatehouseConfig.builder()
                    .redisUrl(redis.url())
                    .dataDir(dir)
                    .set("gatehouse.tokens.revocation.read-block", "200ms")
                    .build();
            try (Stores stores = Stores.open(config, listener);
                    TokenService tokens =
                            TokenService.builder().config(config).stores(stores).build()) {
                RedisConnector connector =
                        StoresRedis.of(stores, Purpose.TOKENS).orElseThrow();
                TokenPair pair = tokens.issue(TokenRequest.of("user-1", "sess-1"));
                String dbsizeBefore = redis.node().cli("DBSIZE");
                String filler = "x".repeat(16 * 1024);
                for (int i = 0; i < 50; i++) {
                    String key = "filler:" + i;
                    connector.sync(c -> c.set(key, filler));
                }
                // The limit below what is used: Redis is full, and with noeviction it may only refuse writes.
                long used = Long.parseLong(redis.node()
                        .cli("INFO", "memory")
                        .lines()
                        .filter(l -> l.startsWith("used_memory:"))
                        .findFirst()
                        .orElseThrow()
                        .substring(12)
                        .trim());
                redis.node().cli("CONFIG", "SET", "maxmemory", Long.toString(used - 256 * 1024));
                assertThatThrownBy(() -> connector.sync(c -> c.set("one-more", filler)))
                        .isInstanceOf(StoreFullException.class);

                assertThatThrownBy(() -> tokens.revokeSession(
                                "sess-1", "logout", Instant.now().plus(Duration.ofHours(1))))
                        .isInstanceOf(StoreFullException.class)
                        .hasMessageContaining("out of memory")
                        .hasMessageContaining("nothing written");
                assertThat(TestTokenServices.reasonOf(tokens, pair.accessToken()))
                        .as("refused here anyway")
                        .isEqualTo(RejectReason.REVOKED_SESSION);
                assertThat(errors).containsKey("StoreFullException");
                assertThat(connector.circuitState())
                        .as("reads still work: the circuit stays closed")
                        .isEqualTo(io.gatehouse.store.CircuitState.CLOSED);
                assertThat(redis.node().cli("INFO", "stats")).contains("evicted_keys:0");
                assertThat(redis.node().cli("DBSIZE"))
                        .as("nothing evicted")
                        .isEqualTo(Long.toString(50 + Long.parseLong(dbsizeBefore)));
            }
        }
    }
}
