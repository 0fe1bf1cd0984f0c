package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.RetryingConnect;
import io.gatehouse.testkit.StandaloneRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Process A writes revocations on Redis directly; process B reaches the same Redis through a proxy whose
 * link the test cuts, as a network partition would cut B alone. A private Redis, so nothing else is
 * disturbed.
 */
class RevocationLinkFaultIntegrationTest {
    private StandaloneRedis redis;
    private LinkCutProxy proxy;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final MutableClock clockB = new MutableClock(Instant.now());
    /** B's monotonic ticker, moved by hand: staleness is measured on it. */
    private final AtomicLong tickB = new AtomicLong(System.nanoTime());

    private final RecordingListener eventsB = new RecordingListener();

    @BeforeEach
    void start() throws Exception {
        redis = StandaloneRedis.start();
        proxy = new LinkCutProxy(redis.node().host(), redis.node().port());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        proxy.close();
        redis.close();
    }

    private TokenService process(
            String url, Clock clock, LongSupplier ticker, Map<String, String> settings, TokenEventListener listener) {
        GatehouseConfig.Builder b =
                GatehouseConfig.builder().redisUrl(url).set("gatehouse.tokens.revocation.read-block", "200ms");
        settings.forEach(b::set);
        GatehouseConfig config = b.build();
        Stores stores = RetryingConnect.open(config);
        closeables.add(stores);
        TokenService s = TokenService.builder()
                .config(config)
                .stores(stores)
                .clock(clock)
                .ticker(ticker)
                .listener(listener)
                .build();
        closeables.add(s);
        return s;
    }

    private TokenService processA(Map<String, String> settings) {
        return process(redis.url(), Clock.systemUTC(), System::nanoTime, settings, TokenEventListener.NONE);
    }

    private TokenService processB(Map<String, String> settings) {
        return process("redis://" + redis.node().host() + ":" + proxy.port(), clockB, tickB::get, settings, eventsB);
    }

    @Test
    void aRevocationMadeWhileTheLinkIsCutIsAppliedAfterItReconnects() throws Exception {
        TokenService a = processA(Map.of());
        TokenService b = processB(Map.of());
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        a.revokeSession("sess-1", "logout", Instant.now().plus(Duration.ofDays(1)));
        assertThat(TestTokenServices.reasonOf(a, pair.accessToken())).isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(TestTokenServices.reasonOf(b, pair.accessToken()))
                .as("B cannot know yet, and is within its budget")
                .isNull();

        proxy.heal();

        await().atMost(Duration.ofSeconds(15))
                .until(() -> TestTokenServices.reasonOf(b, pair.accessToken()) == RejectReason.REVOKED_SESSION);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.revocationHealth().status() == HealthStatus.HEALTHY);
        assertThat(b.revocationHealth().resyncs())
                .as("resumed from its position, no reload needed")
                .isEqualTo(1);
        assertThat(eventsB.linkChanges)
                .extracting(RevocationHealth::status)
                .containsSubsequence(HealthStatus.DEGRADED, HealthStatus.HEALTHY);
    }

    @Test
    void whenTheStreamDroppedEntriesTheReaderReloadsEverything() throws Exception {
        // A keeps only 2 stream entries: what B missed while cut is gone from the stream, not from the index.
        TokenService a = processA(Map.of("gatehouse.tokens.revocation.stream-max-length", "2"));
        TokenService b = processB(Map.of());
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        a.revokeSession("sess-1", "logout", Instant.now().plus(Duration.ofDays(1)));
        for (int i = 0; i < 5; i++) {
            a.revokeSession("other-" + i, "noise", Instant.now().plus(Duration.ofDays(1)));
        }
        proxy.heal();

        await().atMost(Duration.ofSeconds(15))
                .until(() -> TestTokenServices.reasonOf(b, pair.accessToken()) == RejectReason.REVOKED_SESSION);
        assertThat(b.revocationHealth().resyncs()).isEqualTo(2);
        assertThat(b.revocationStats().counts()).containsEntry(RevocationKind.SESSION, 6L);
    }

    @Test
    void pastTheStalenessBudgetFailClosedRefusesAndHealthIsUnhealthy() throws Exception {
        TokenService a = processA(Map.of());
        TokenService b = processB(Map.of());
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair revoked = a.issue(TokenRequest.of("user-1", "sess-2"));
        a.revokeSession("sess-2", "logout", Instant.now().plus(Duration.ofDays(1)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> TestTokenServices.reasonOf(b, revoked.accessToken()) == RejectReason.REVOKED_SESSION);

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        tickB.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(b.verify(pair.accessToken()).subject())
                .as("within the 30 s budget")
                .isEqualTo("user-1");
        tickB.addAndGet(Duration.ofSeconds(2).toNanos());

        assertThat(TestTokenServices.reasonOf(b, pair.accessToken())).isEqualTo(RejectReason.REVOCATION_UNKNOWN);
        assertThat(TestTokenServices.reasonOf(b, revoked.accessToken()))
                .as("known revocations still say what they are")
                .isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(b.revocationHealth().status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(b.revocationHealth().error()).isPresent();

        proxy.heal();
        await().atMost(Duration.ofSeconds(15)).until(() -> b.revocationHealth().status() == HealthStatus.HEALTHY);
        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");
    }

    @Test
    void pastTheStalenessBudgetFailOpenAcceptsAndHealthIsDegraded() throws Exception {
        TokenService a = processA(Map.of());
        TokenService b = processB(Map.of(
                "gatehouse.tokens.revocation.on-stale",
                "fail-open",
                "gatehouse.tokens.revocation.staleness-budget",
                "5s"));
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        tickB.addAndGet(Duration.ofMinutes(5).toNanos());

        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");
        assertThat(b.revocationHealth().status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(b.revocationHealth().policy()).isEqualTo(StalePolicy.FAIL_OPEN);
    }

    @Test
    void refreshNeedsRedisAndSaysSoWithAStoreError() throws Exception {
        TokenService a = processA(Map.of());
        TokenService b = processB(Map.of());
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.refresh(pair.refreshToken()))
                .isInstanceOf(io.gatehouse.store.StoreException.class);
        proxy.heal();
        await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> b.refresh(pair.refreshToken()).familyId().equals(pair.familyId()));
    }
}
