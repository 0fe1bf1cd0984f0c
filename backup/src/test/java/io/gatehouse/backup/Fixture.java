package io.gatehouse.backup;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionStore;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.RedisNode;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gatehouse state made through the library on a test deployment: a live session with its tokens, a
 * revoked token, a rotated refresh family, a locked-out account and security events. Everything the
 * backup must carry through a disaster.
 */
final class Fixture implements AutoCloseable {
    static final String IP = "198.51.100.9";
    static final String LOCKED = "victim@example.com";

    final Gatehouse gatehouse;
    final TokenService tokens;
    final SessionStore sessions;
    final LoginGuard guard;
    final SecurityEvents events;

    private Fixture(GatehouseConfig config) {
        // Users live in the SQL user database, not in Redis: not part of a Redis backup.
        this.gatehouse = Gatehouse.builder().config(config).withoutUsers().build();
        this.tokens = gatehouse.tokens();
        this.sessions = gatehouse.sessions();
        this.guard = gatehouse.loginGuard();
        this.events = gatehouse.events();
    }

    static GatehouseConfig config(RedisDeployment redis, Path dataDir) {
        // A master delays a diskless snapshot by repl-diskless-sync-delay (5 s) to wait for more replicas;
        // the tests take many snapshots and have no replica to wait for.
        redis.masters().forEach(m -> m.cli("CONFIG", "SET", "repl-diskless-sync-delay", "0"));
        return GatehouseConfig.builder()
                .redisUrl(redis.url())
                .dataDir(dataDir)
                // Generous: the tests share two cores with the rest of a build.
                .set("gatehouse.redis.connect-timeout", "10s")
                .set("gatehouse.redis.command-timeout", "5s")
                .set("gatehouse.tokens.keys.store", "redis")
                .set("gatehouse.tokens.keys.encryption-key", "YmFja3VwLXRlc3Qta2V5LWVuY3J5cHRpb24tMzJieXQ=")
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                // The rotated family's successor marker lives for the grace period; longer than a test run.
                .set("gatehouse.tokens.refresh.grace", "5m")
                .set("gatehouse.sessions.mac-key", "c2Vzc2lvbi1tYWMta2V5LWZvci10ZXN0cy0zMi1ieXRlcyE=")
                .set("gatehouse.sessions.device-key", "ZGV2aWNlLWtleS1mb3ItdGVzdHMtMzItYnl0ZXMtbG9uZyE=")
                .build();
    }

    static Fixture open(GatehouseConfig config) {
        return new Fixture(config);
    }

    /** What was made, to check after the restore. */
    record State(CreatedSession session, TokenPair live, TokenPair revoked, TokenPair rotated) {}

    State populate() {
        CreatedSession session = sessions.create(
                NewSession.forUser("alice").ip(IP).userAgent("backup-test/1.0").build());
        TokenPair live = tokens.issue(TokenRequest.of("alice", session.handle()));
        TokenPair revoked = tokens.issue(TokenRequest.of("alice", session.handle()));
        tokens.revoke(revoked.accessToken(), "test");
        TokenPair rotated = tokens.refresh(
                tokens.issue(TokenRequest.of("alice", session.handle())).refreshToken());
        for (int i = 0; i < 50 && !guard.failure(IP, LOCKED).locked(); i++) {
            // fail until the account locks
        }
        events.record(SecurityEvent.builder(EventType.LOGIN_FAILURE)
                .user("alice")
                .ip(IP)
                .reason("bad password"));
        events.flush(Duration.ofSeconds(10));
        return new State(session, live, revoked, rotated);
    }

    /** Every key on every master with its remaining TTL in ms (-1: none), read with SCAN (test only). */
    static Map<String, Long> ttls(RedisDeployment redis) {
        Map<String, Long> out = new TreeMap<>();
        for (RedisNode node : redis.masters()) {
            RedisClient client = RedisClient.create(RedisURI.create(node.host(), node.port()));
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.limit(500));
                    for (String k : page.getKeys()) {
                        out.put(k, c.sync().pttl(k));
                    }
                    cursor = page;
                } while (!cursor.isFinished());
            } finally {
                client.shutdown();
            }
        }
        return out;
    }

    @Override
    public void close() {
        gatehouse.close();
    }
}
