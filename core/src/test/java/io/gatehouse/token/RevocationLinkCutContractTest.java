package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.HealthStatus;
import io.gatehouse.store.StoreException;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.RedisContract;
import io.gatehouse.testkit.RedisNode;
import io.gatehouse.testkit.SentinelDeployment;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation link of process B is cut while process A goes on, on every Redis topology (standalone,
 * Cluster, Sentinel, TLS), with real Redis behaviour and no proxy (a proxy cannot stand in front of a
 * Cluster, whose nodes announce their own addresses).
 *
 * <p>How B alone is cut: B connects as its own ACL user, created for the test on every data node. The
 * cut disables that user ({@code ACL SETUSER u off}) and closes B's connections on every data node
 * ({@code CLIENT KILL USER u}): B's reader (and its other connections) drop, and every reconnection is
 * refused at authentication until the heal ({@code ACL SETUSER u on}), exactly as if B's network were
 * down, while A, connected as another user, keeps writing. B's staleness is measured on a ticker the
 * test moves, so the budget passes without waiting for it.
 */
class RevocationLinkCutContractTest extends RedisContract {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final MutableClock clockB = new MutableClock(Instant.now());
    /** B's monotonic ticker, moved by hand: staleness is measured on it. */
    private final AtomicLong tickB = new AtomicLong(System.nanoTime());

    private final RecordingListener eventsB = new RecordingListener();
    private String userB;
    private String passwordB;

    @BeforeEach
    void createUserB() {
        SecureRandom random = new SecureRandom();
        byte[] b = new byte[8];
        random.nextBytes(b);
        userB = "proc-b-" + HexFormat.of().formatHex(b);
        random.nextBytes(b);
        passwordB = HexFormat.of().formatHex(b);
        for (RedisNode node : dataNodes()) {
            node.cli("ACL", "SETUSER", userB, "on", ">" + passwordB, "~*", "&*", "+@all");
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        for (RedisNode node : dataNodes()) {
            node.cli("ACL", "DELUSER", userB);
        }
    }

    /** Every node that holds data (B's connections go only there; sentinels are asked where the master is). */
    private List<RedisNode> dataNodes() {
        if (backend.deployment() instanceof SentinelDeployment s) {
            return List.of(s.master(), s.replica());
        }
        return backend.deployment().masters();
    }

    /** Process B's link goes down: its user is refused and its open connections are closed, on every node. */
    private void cutB() {
        for (RedisNode node : dataNodes()) {
            node.cli("ACL", "SETUSER", userB, "off");
            node.cli("CLIENT", "KILL", "USER", userB);
        }
    }

    private void healB() {
        for (RedisNode node : dataNodes()) {
            node.cli("ACL", "SETUSER", userB, "on");
        }
    }

    private TokenService process(
            GatehouseConfig.Builder b, Clock clock, LongSupplier ticker, TokenEventListener listener) {
        GatehouseConfig config = b.set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.tokens.keys.store", "redis")
                .build();
        Stores stores = Stores.open(config);
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

    private TokenService processA() {
        return process(backend.configBuilder(), Clock.systemUTC(), System::nanoTime, TokenEventListener.NONE);
    }

    private TokenService processB() {
        return process(
                backend.configBuilder().redisUrl(withUser(backend.deployment().url(), userB, passwordB)),
                clockB,
                tickB::get,
                eventsB);
    }

    /** The deployment's URL with B's user instead of any user it names. */
    static String withUser(String url, String user, String password) {
        int scheme = url.indexOf("://") + 3;
        int at = url.indexOf('@', scheme);
        int firstSeparator = url.indexOf('/', scheme) < 0 ? url.length() : url.indexOf('/', scheme);
        String rest = at >= 0 && at < firstSeparator ? url.substring(at + 1) : url.substring(scheme);
        return url.substring(0, scheme) + user + ":" + password + "@" + rest;
    }

    @Test
    void aRevocationMadeWhileBsLinkIsCutIsAppliedAfterItReconnects() {
        TokenService a = processA();
        TokenService b = processB();
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");
        assertThat(b.revocationHealth().status()).isEqualTo(HealthStatus.HEALTHY);

        cutB();
        await().atMost(Duration.ofSeconds(15)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        a.revokeSession("sess-1", "logout", Instant.now().plus(Duration.ofDays(1)));
        assertThat(TestTokenServices.reasonOf(a, pair.accessToken())).isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(TestTokenServices.reasonOf(b, pair.accessToken()))
                .as("B cannot know yet, and is within its budget")
                .isNull();
        assertThat(b.revocationHealth().status()).as("still cut").isEqualTo(HealthStatus.DEGRADED);

        healB();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> TestTokenServices.reasonOf(b, pair.accessToken()) == RejectReason.REVOKED_SESSION);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.revocationHealth().status() == HealthStatus.HEALTHY);
        assertThat(b.revocationHealth().resyncs())
                .as("resumed from its stream position, no reload needed")
                .isEqualTo(1);
        assertThat(b.revocationStats().counts()).containsEntry(RevocationKind.SESSION, 1L);
        assertThat(eventsB.linkChanges)
                .extracting(RevocationHealth::status)
                .containsSubsequence(HealthStatus.DEGRADED, HealthStatus.HEALTHY);
    }

    @Test
    void pastTheStalenessBudgetBFailsClosedUntilItsLinkIsBack() {
        TokenService a = processA();
        TokenService b = processB();
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        TokenPair revoked = a.issue(TokenRequest.of("user-1", "sess-2"));
        a.revokeSession("sess-2", "logout", Instant.now().plus(Duration.ofDays(1)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> TestTokenServices.reasonOf(b, revoked.accessToken()) == RejectReason.REVOKED_SESSION);

        cutB();
        await().atMost(Duration.ofSeconds(15)).until(() -> b.revocationHealth().status() == HealthStatus.DEGRADED);
        tickB.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(b.verify(pair.accessToken()).subject())
                .as("within the 30 s budget")
                .isEqualTo("user-1");
        // a refresh needs the store: within the budget B says so with a store error and changes nothing
        assertThatThrownBy(() -> b.refresh(pair.refreshToken())).isInstanceOf(StoreException.class);
        tickB.addAndGet(Duration.ofSeconds(2).toNanos());

        assertThat(TestTokenServices.reasonOf(b, pair.accessToken())).isEqualTo(RejectReason.REVOCATION_UNKNOWN);
        assertThat(TestTokenServices.reasonOf(b, revoked.accessToken()))
                .as("known revocations still say what they are")
                .isEqualTo(RejectReason.REVOKED_SESSION);
        assertThat(b.revocationHealth().status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(b.revocationHealth().error()).isPresent();
        assertThat(TestTokenServices.reasonOf(a, pair.accessToken()))
                .as("A's link was never cut")
                .isNull();
        assertThat(a.revocationHealth().status()).isEqualTo(HealthStatus.HEALTHY);
        // past the budget a refresh is refused like any token whose revocation status cannot be known
        assertThatThrownBy(() -> b.refresh(pair.refreshToken()))
                .isInstanceOf(TokenRejectedException.class)
                .extracting(e -> ((TokenRejectedException) e).reason())
                .isEqualTo(RejectReason.REVOCATION_UNKNOWN);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> eventsB.linkChanges.stream().anyMatch(h -> h.status() == HealthStatus.UNHEALTHY));

        healB();

        await().atMost(Duration.ofSeconds(20)).until(() -> b.revocationHealth().status() == HealthStatus.HEALTHY);
        assertThat(b.verify(pair.accessToken()).subject()).isEqualTo("user-1");
        assertThat(eventsB.linkChanges)
                .extracting(RevocationHealth::status)
                .containsSubsequence(HealthStatus.DEGRADED, HealthStatus.UNHEALTHY, HealthStatus.HEALTHY);
        // the refresh B could not do is still there to do (the chain was not advanced by the failed call)
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsInstanceOf(StoreException.class)
                .until(() -> b.refresh(pair.refreshToken()).familyId().equals(pair.familyId()));
    }
}
