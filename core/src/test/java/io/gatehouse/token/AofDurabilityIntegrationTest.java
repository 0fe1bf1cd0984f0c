package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.StoreException;
import io.gatehouse.testkit.TlsRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A Redis started from the shipped {@code deploy/redis/redis.conf} (AOF, {@code appendfsync everysec})
 * is SIGKILLed while four threads revoke tokens, then restarted: every revocation whose call returned
 * before the kill is there afterwards, read by a fresh process from what Redis loaded from its AOF.
 */
class AofDurabilityIntegrationTest {
    static final int TOKENS = 3000;

    @Test
    void everyAcknowledgedRevocationSurvivesKill9AndRestart() throws Exception {
        try (TlsRedis redis = TlsRedis.start()) {
            assertThat(redis.node().cli("CONFIG", "GET", "appendfsync")).endsWith("everysec");
            assertThat(redis.node().cli("CONFIG", "GET", "appendonly")).endsWith("yes");
            List<String> acknowledged;
            long attempted;
            try (Process writer = process(redis)) {
                List<String> tokens = new ArrayList<>();
                for (int i = 0; i < TOKENS; i++) {
                    tokens.add(writer.tokens
                            .issue(TokenRequest.of("user-" + i, "sess-" + i))
                            .accessToken());
                }
                Queue<String> todo = new ConcurrentLinkedQueue<>(tokens);
                Queue<String> acked = new ConcurrentLinkedQueue<>();
                AtomicBoolean up = new AtomicBoolean(true);
                AtomicLong calls = new AtomicLong();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                for (int t = 0; t < 4; t++) {
                    pool.submit(() -> {
                        String token;
                        while (up.get() && (token = todo.poll()) != null) {
                            calls.incrementAndGet();
                            try {
                                writer.tokens.revoke(token, "aof-test");
                                acked.add(token);
                            } catch (StoreException e) {
                                up.set(false);
                            }
                        }
                    });
                }
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= TOKENS / 3);
                redis.node().kill(); // SIGKILL mid-stream: no shutdown, no final fsync
                up.set(false);
                pool.shutdown();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                acknowledged = List.copyOf(acked);
                attempted = calls.get();
            }
            redis.node().restart();
            // Redis replays a script's effects (MULTI/EXEC in the AOF) as the default user and, before
            // redis/redis#14545, re-checks the ACL at EXEC: without write rights it drops them silently.
            assertThat(java.nio.file.Files.readString(redis.node().dir().resolve("redis.log")))
                    .doesNotContain("NOPERM");

            try (Process reader = process(redis)) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() ->
                                reader.tokens.revocationHealth().status() == io.gatehouse.store.HealthStatus.HEALTHY);
                java.util.Map<String, Long> outcomes = acknowledged.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                t -> outcome(reader.tokens, t),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.counting()));
                long lost = acknowledged.size() - outcomes.getOrDefault(RejectReason.REVOKED_TOKEN.name(), 0L);
                System.out.printf(
                        "AOF everysec, kill -9 under 4 writers: %d revocations acknowledged, %d calls in flight "
                                + "or refused at the kill, %d acknowledged ones lost after restart (%s)%n",
                        acknowledged.size(), attempted - acknowledged.size(), lost, outcomes);
                assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(TOKENS / 3);
                assertThat(lost).isZero();
            }
        }
    }

    /** What a fresh process makes of a token: its revocation status, or why verification refused it. */
    private static String outcome(TokenService tokens, String token) {
        try {
            return tokens.check(tokens.verify(token)).name();
        } catch (TokenRejectedException e) {
            return e.reason().name();
        }
    }

    /** One Gatehouse process's token service on the deployment, as the shipped ACL user. */
    private static Process process(TlsRedis redis) {
        GatehouseConfig config = GatehouseConfig.builder()
                .redisUrl(redis.url())
                .set("gatehouse.redis.tls.ca-file", redis.caCertFile().toString())
                .set("gatehouse.redis.tls.cert-file", redis.clientCertFile().toString())
                .set("gatehouse.redis.tls.key-file", redis.clientKeyFile().toString())
                .set("gatehouse.redis.command-timeout", "5s")
                .set("gatehouse.redis.connect-timeout", "10s")
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .build();
        Stores stores = Stores.open(config);
        return new Process(
                stores, TokenService.builder().config(config).stores(stores).build());
    }

    private record Process(Stores stores, TokenService tokens) implements AutoCloseable {
        @Override
        public void close() {
            tokens.close();
            stores.close();
        }
    }
}
