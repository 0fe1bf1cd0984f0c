package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.store.CircuitState;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.testkit.FaultProxy;
import io.gatehouse.testkit.StandaloneRedis;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instance A reaches Redis through a {@link FaultProxy} that blackholes it for 10 s (packets go
 * nowhere, nothing is refused: the worst kind of partition) while A serves a steady load of logouts and
 * security events; instance B keeps its own path. During the partition no call of A waits past the
 * command timeout, A's revocation health is degraded and its circuit open, and a token revoked before
 * the partition stays refused on both instances. After the heal A writes again within 2 s and every
 * security event recorded during the window is stored exactly once.
 */
class PartitionIntegrationTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a shared 2-core machine; the bound is about waiting, not speed. */
    private static final Duration SLACK = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private GatehouseConfig config(String url, String name) {
        return GatehouseConfig.builder()
                .redisUrl(url)
                .dataDir(dir.resolve(name))
                .set("gatehouse.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.events.spool.dir", dir.resolve(name + "-spool").toString())
                .set("gatehouse.events.retry-interval", "200ms")
                .build();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    @Test
    void aTenSecondBlackholeFailsFastKeepsRevocationsAndLosesNoEvent() throws Exception {
        StandaloneRedis redis = closing(StandaloneRedis.start());
        FaultProxy proxy = closing(FaultProxy.start(redis.node()));
        GatehouseConfig configA = config(proxy.url(), "a");
        GatehouseConfig configB = config(redis.url(), "b");
        Stores storesA = closing(Stores.open(configA));
        Stores storesB = closing(Stores.open(configB));
        RedisConnector redisA = StoresRedis.of(storesA, Purpose.TOKENS).orElseThrow();
        TokenService a =
                closing(TokenService.builder().config(configA).stores(storesA).build());
        TokenService b =
                closing(TokenService.builder().config(configB).stores(storesB).build());
        SecurityEvents eventsA =
                closing(SecurityEvents.builder().config(configA).stores(storesA).build());

        TokenPair revokedBefore = b.issue(TokenRequest.of("user-0", "sess-before"));
        b.revokeSession("sess-before", "logout", Instant.now().plus(Duration.ofHours(1)));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        TestTokenServices.reasonOf(a, revokedBefore.accessToken()) == RejectReason.REVOKED_SESSION);

        RevocationLoad load = closing(new RevocationLoad(a, "a", 4));
        Set<String> windowEvents = ConcurrentHashMap.newKeySet();
        load.awaitMore(20, Duration.ofSeconds(20));

        proxy.blackhole();
        long partitionedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> redisA.circuitState() == CircuitState.OPEN);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.revocationHealth().status() == HealthStatus.DEGRADED);
        assertThat(redisA.probe().status()).isEqualTo(HealthStatus.UNHEALTHY);
        int n = 0;
        while (System.nanoTime() - partitionedAt < Duration.ofSeconds(10).toNanos()) {
            windowEvents.add(eventsA.record(SecurityEvent.builder(EventType.LOGOUT)
                            .user("user-" + (n % 10))
                            .detail("n", Integer.toString(n++)))
                    .id());
            assertThat(TestTokenServices.reasonOf(a, revokedBefore.accessToken()))
                    .isEqualTo(RejectReason.REVOKED_SESSION);
            assertThat(TestTokenServices.reasonOf(b, revokedBefore.accessToken()))
                    .isEqualTo(RejectReason.REVOKED_SESSION);
            await().pollDelay(Duration.ofMillis(20)).until(() -> true);
        }
        int acknowledgedBeforeHeal = load.acknowledged().size();
        proxy.heal();
        long healedAt = System.nanoTime();
        load.awaitMore(1, Duration.ofSeconds(10));
        Duration recovery =
                Duration.ofNanos(load.acknowledged().get(acknowledgedBeforeHeal).completedNanos() - healedAt);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.revocationHealth().status() == HealthStatus.HEALTHY);
        Duration linkRecovery = Duration.ofNanos(System.nanoTime() - healedAt);
        load.close();
        assertThat(eventsA.flush(Duration.ofSeconds(30))).isTrue();

        System.out.printf(
                "partition 10 s: %d events recorded in the window, write failures %s, longest call %d ms, longest revocation %d ms,"
                        + " first acknowledged write %d ms after the heal, revocation link healthy after %d ms%n",
                windowEvents.size(),
                load.failures(),
                load.longestCall().toMillis(),
                load.longestRevocation().toMillis(),
                recovery.toMillis(),
                linkRecovery.toMillis());
        assertThat(load.foreign()).isEmpty();
        assertThat(load.longestRevocation()).isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(SLACK));
        assertThat(recovery).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(linkRecovery).isLessThanOrEqualTo(Duration.ofSeconds(2));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        eventsA.export(Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(60), out);
        Map<String, Integer> seen = new HashMap<>();
        Matcher ids = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(out.toString(StandardCharsets.UTF_8));
        while (ids.find()) {
            seen.merge(ids.group(1), 1, Integer::sum);
        }
        assertThat(seen.keySet()).containsAll(windowEvents);
        assertThat(seen.values()).as("every event once").containsOnly(1);
    }
}
