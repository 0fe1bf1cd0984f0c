package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.account.Actor;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.session.CreatedSession;
import io.gatehouse.session.NewSession;
import io.gatehouse.testing.StoreContract;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.user.Registration;
import io.gatehouse.user.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library user's view of {@link Gatehouse#open}: one call opens everything, correctly wired, on the
 * in-memory store and every Redis topology. No wiring code in these tests: that is the point.
 */
class GatehouseContractTest extends StoreContract {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dataDir;

    private Gatehouse gatehouse;

    @BeforeEach
    void open() {
        GatehouseConfig config = backend.configBuilder()
                .dataDir(dataDir)
                .set("gatehouse.db.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                // Closing waits for the revocation reader's blocking read (1 s by default) to return: 200 ms
                // keeps that wait short in a test that opens an instance per test (docs/TESTING.md).
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=")
                .build();
        gatehouse = Gatehouse.open(config);
    }

    @AfterEach
    void close() {
        gatehouse.close();
    }

    private User register() {
        return gatehouse
                .users()
                .register(new Registration("ann-" + UUID.randomUUID() + "@example.com", PASSWORD, Optional.empty()));
    }

    private TokenPair login(User user, CreatedSession session) {
        return gatehouse.tokens().issue(TokenRequest.of(user.id(), session.handle()));
    }

    @Test
    void endingASessionRefusesItsAccessAndRefreshTokens() {
        User ann = register();
        CreatedSession session =
                gatehouse.sessions().create(NewSession.forUser(ann.id()).build());
        TokenPair pair = login(ann, session);
        assertThat(gatehouse.tokens().verify(pair.accessToken()).subject()).isEqualTo(ann.id());

        gatehouse.accounts().logout(ann.id(), session.handle(), Actor.self(ann.id(), session.handle()));

        assertThatThrownBy(() -> gatehouse.tokens().verify(pair.accessToken()))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.REVOKED_SESSION));
        assertThatThrownBy(() -> gatehouse.tokens().refresh(pair.refreshToken()))
                .isInstanceOf(TokenRejectedException.class);
    }

    @Test
    void aLoginRightAfterRevokingEveryTokenOfTheUserGetsTokensThatWork() {
        User ann = register();
        CreatedSession first =
                gatehouse.sessions().create(NewSession.forUser(ann.id()).build());
        TokenPair old = login(ann, first);

        gatehouse.accounts().revokeUser(ann.id(), "logout everywhere", Actor.self(ann.id(), first.handle()));
        // Same millisecond or not: the not-before has milliseconds and later tokens are issued after it.
        CreatedSession second =
                gatehouse.sessions().create(NewSession.forUser(ann.id()).build());
        TokenPair fresh = login(ann, second);

        assertThatThrownBy(() -> gatehouse.tokens().verify(old.accessToken()))
                .isInstanceOf(TokenRejectedException.class);
        assertThat(gatehouse.tokens().verify(fresh.accessToken()).subject()).isEqualTo(ann.id());
        assertThat(gatehouse.tokens().refresh(fresh.refreshToken()).sessionId()).isEqualTo(second.handle());
    }

    @Test
    void suspendingAUserRefusesTheirTokensAtOnceAndRecordsTheActionOnce() {
        User ann = register();
        CreatedSession session =
                gatehouse.sessions().create(NewSession.forUser(ann.id()).build());
        TokenPair pair = login(ann, session);

        gatehouse.accounts().suspend(ann.id(), "fraud review", Actor.operator("ops"));

        assertThatThrownBy(() -> gatehouse.tokens().verify(pair.accessToken()))
                .isInstanceOf(TokenRejectedException.class);
        assertThat(gatehouse.sessions().get(session.id())).isEmpty();
        assertThat(gatehouse.users().find(ann.id()).orElseThrow().active()).isFalse();
        gatehouse.events().flush(Duration.ofSeconds(10));
        var admin = gatehouse
                .events()
                .query(EventQuery.builder()
                        .user(ann.id())
                        .types(EventType.ADMIN_ACTION)
                        .build());
        assertThat(admin.events()).singleElement().satisfies(e -> {
            assertThat(e.details()).containsEntry("action", "suspend_user").containsEntry("actor", "operator:ops");
        });
    }

    @Test
    void capabilityEventsReachTheSecurityEventLog() {
        User ann = register();
        CreatedSession session =
                gatehouse.sessions().create(NewSession.forUser(ann.id()).build());

        gatehouse.accounts().endSession(ann.id(), session.handle(), Actor.operator("ops"));

        gatehouse.events().flush(Duration.ofSeconds(10));
        var types = gatehouse.events().query(EventQuery.builder().user(ann.id()).build()).events().stream()
                .map(e -> e.type())
                .toList();
        assertThat(types).contains(EventType.SESSION_CREATED, EventType.SESSION_ENDED, EventType.ADMIN_ACTION);
    }
}
