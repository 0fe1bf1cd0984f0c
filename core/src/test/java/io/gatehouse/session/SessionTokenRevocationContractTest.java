package io.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import io.gatehouse.token.RevocationStatus;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRequest;
import io.gatehouse.token.TokenService;
import io.gatehouse.token.VerifiedToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ending a session, in any way, makes its tokens fail the local revocation check (as {@link Gatehouse} wires it). */
class SessionTokenRevocationContractTest extends StoreContract {
    private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");

    @TempDir
    Path dataDir;

    private TokenService tokens;
    private SessionStore sessions;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() {
        GatehouseConfig config = backend.configBuilder()
                .dataDir(dataDir)
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.sessions.mac-key", SessionStoreIntegrationTest.MAC_KEY)
                .set("gatehouse.sessions.device-key", SessionStoreIntegrationTest.DEVICE_KEY)
                .set("gatehouse.sessions.max-per-user", "2")
                .set("gatehouse.sessions.limit-policy", "evict-oldest")
                .build();
        // Through the one entry point, as a library user would: no wiring here.
        Gatehouse gatehouse =
                Gatehouse.builder().config(config).clock(clock).withoutUsers().build();
        open.add(gatehouse);
        tokens = gatehouse.tokens();
        sessions = gatehouse.sessions();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Issues a pair for the session and returns its access token, verified while it is still good. */
    private VerifiedToken login(CreatedSession s) {
        TokenPair pair = tokens.issue(TokenRequest.of(s.session().userId(), s.handle()));
        return tokens.verify(pair.accessToken());
    }

    /** The local revocation check (no network call) of a token verified earlier. */
    private RevocationStatus status(VerifiedToken token) {
        return tokens.check(token);
    }

    @Test
    void endingOneSessionRevokesOnlyItsTokens() {
        CreatedSession a = sessions.create(NewSession.forUser("u1").build());
        CreatedSession b = sessions.create(NewSession.forUser("u1").build());
        VerifiedToken ta = login(a);
        VerifiedToken tb = login(b);
        assertThat(status(ta)).isEqualTo(RevocationStatus.VALID);

        sessions.end(a.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> status(ta) == RevocationStatus.REVOKED_SESSION);
        assertThat(status(tb)).isEqualTo(RevocationStatus.VALID);
    }

    @Test
    void endAllButCurrentAndEndAllRevokeTheirSessions() {
        CreatedSession current = sessions.create(NewSession.forUser("u2").build());
        CreatedSession other = sessions.create(NewSession.forUser("u2").build());
        VerifiedToken tc = login(current);
        VerifiedToken to = login(other);

        sessions.endAllBut(current.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> status(to) == RevocationStatus.REVOKED_SESSION);
        assertThat(status(tc)).isEqualTo(RevocationStatus.VALID);

        sessions.endAll("u2");
        await().atMost(Duration.ofSeconds(5)).until(() -> status(tc) == RevocationStatus.REVOKED_SESSION);
    }

    @Test
    void anEvictedSessionsTokensAreRevoked() {
        CreatedSession oldest = sessions.create(NewSession.forUser("u3").build());
        VerifiedToken t = login(oldest);
        clock.advance(Duration.ofSeconds(1));
        sessions.create(NewSession.forUser("u3").build());
        clock.advance(Duration.ofSeconds(1));
        sessions.create(NewSession.forUser("u3").build()); // limit 2: the oldest is evicted
        await().atMost(Duration.ofSeconds(5)).until(() -> status(t) == RevocationStatus.REVOKED_SESSION);
    }
}
