package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.Gatehouse;
import io.gatehouse.account.Actor;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.session.Session;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.token.RejectReason;
import io.gatehouse.token.TokenPair;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.token.VerifiedToken;
import io.gatehouse.user.Registration;
import io.gatehouse.user.UserDatabase;
import io.gatehouse.user.UserService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session-liveness cache behind introspection and the Bearer check, and the order of the refresh flow,
 * on the in-memory store and on Redis, with a test clock. Sessions idle out after 10 minutes, last-seen is
 * written at most once a minute, access tokens live 15 minutes.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(
        value = Backend.class,
        names = {"IN_MEMORY", "STANDALONE"})
class SessionLivenessContractTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.7", Optional.empty());
    private static final String MAC_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String DEVICE_KEY = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @Parameter
    Backend backend;

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final List<AutoCloseable> opened = new ArrayList<>();
    private UserDatabase database;
    private String databaseUrl;
    private Instance a;

    /** One server's services, without HTTP. */
    private final class Instance {
        final Gatehouse services;
        final SessionLiveness.Memory remembered;
        final SessionLiveness liveness;
        final LoginService logins;
        final OAuthService oauth;
        final UserService users;

        Instance() {
            GatehouseConfig config = AuthSettings.withServerDefaults(backend.configBuilder()
                    .set("gatehouse.sessions.idle-timeout", "10m")
                    .set("gatehouse.sessions.touch-interval", "1m")
                    .set("gatehouse.sessions.mac-key", MAC_KEY)
                    .set("gatehouse.sessions.device-key", DEVICE_KEY)
                    .set(
                            "gatehouse.data-dir",
                            dataDir.resolve("instance-" + opened.size()).toString())
                    // Every instance on the one user database (in memory, kept open by the test).
                    .set(UserDatabase.URL_KEY, databaseUrl)
                    .set("gatehouse.password.argon2.memory-kib", "256")
                    .set("gatehouse.password.argon2.iterations", "1")
                    .build());
            remembered = SessionLiveness.Memory.fromConfig(config, clock);
            services = Gatehouse.builder()
                    .config(config)
                    .clock(clock)
                    .sessionListener(remembered)
                    .build();
            opened.add(services);
            users = services.users();
            TokenVerificationMetrics metrics = new TokenVerificationMetrics(new SimpleMeterRegistry());
            liveness = new SessionLiveness(services.sessions(), clock, remembered);
            logins = new LoginService(
                    users,
                    services.profiles(),
                    services.tokens(),
                    services.stores().target(io.gatehouse.config.Purpose.TOKENS).isPresent(),
                    services.sessions(),
                    services.secondFactors(),
                    services.rateLimiter(),
                    services.policies(),
                    services.loginGuard(),
                    services.events(),
                    liveness,
                    metrics,
                    clock,
                    1);
            oauth = new OAuthService(
                    services.tokens(),
                    services.sessions(),
                    services.rateLimiter(),
                    services.policies().policy(AuthSettings.INTROSPECT_CLIENT),
                    clock,
                    liveness,
                    metrics,
                    "gatehouse",
                    backend.isRedis() ? AuthSettings.introspectBatch(config) : 1);
        }

        boolean active(String token) {
            return oauth.introspect(new OAuthClient("rs", java.util.Set.of(OAuthClient.INTROSPECT)), token)
                    .active();
        }
    }

    @BeforeEach
    void start() {
        backend.flush();
        databaseUrl = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        database = UserDatabase.open(
                GatehouseConfig.builder().set(UserDatabase.URL_KEY, databaseUrl).build());
        a = new Instance();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        database.close();
    }

    private LoginService.Issued login(Instance on) {
        String email = "ann-" + UUID.randomUUID() + "@example.com";
        on.users.register(new Registration(email, PASSWORD, Optional.empty()));
        return on.logins.login(new LoginService.LoginRequest(
                email, PASSWORD, new ClientInfo("192.0.2.7", Optional.empty()), Optional.empty(), Optional.empty()));
    }

    @Test
    void introspectionTurnsInactiveTheSecondTheSessionExpires() {
        LoginService.Issued issued = login(a);
        String access = issued.tokens().accessToken();
        assertThat(a.active(access)).isTrue();
        // The session idles out 10 minutes after login; the access token lives 15. Remembered answers are
        // served up to the last second of the session and not one second beyond it.
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(a.active(access)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.services.tokens().verify(access).subject())
                .isEqualTo(issued.session().userId());
        assertThat(a.active(access)).isFalse();
        assertThat(a.liveness.touch(issued.session().handle())).isEmpty();
    }

    @Test
    void aSessionEndedHereIsInactiveAtOnce() {
        LoginService.Issued issued = login(a);
        String access = issued.tokens().accessToken();
        assertThat(a.active(access)).isTrue();
        assertThat(a.liveness.touch(issued.session().handle())).isPresent();
        assertThat(a.services.sessions().endByHandle(issued.session().handle())).isTrue();
        assertThat(a.active(access)).isFalse();
    }

    @Test
    void aSessionEndedHereIsForgottenAndTheOthersStay() {
        LoginService.Issued ended = login(a);
        LoginService.Issued kept = login(a);
        assertThat(a.liveness.touch(ended.session().handle())).isPresent();
        assertThat(a.liveness.touch(kept.session().handle())).isPresent();
        assertThat(a.remembered.size()).isEqualTo(2);

        assertThat(a.services.sessions().endByHandle(ended.session().handle())).isTrue();

        assertThat(a.remembered.size()).isEqualTo(1);
        assertThat(a.active(kept.tokens().accessToken())).isTrue();
        assertThat(a.active(ended.tokens().accessToken())).isFalse();
        assertThat(a.liveness.touch(ended.session().handle())).isEmpty();
        assertThat(a.remembered.size())
                .as("the store's answer (none) is not remembered")
                .isEqualTo(1);
    }

    @Test
    void aLogoutEverywhereForgetsEverySessionOfTheUser() {
        LoginService.Issued first = login(a);
        String userId = first.session().userId();
        Session second = a.services
                .sessions()
                .create(io.gatehouse.session.NewSession.forUser(userId).build())
                .session();
        assertThat(a.liveness.touch(first.session().handle())).isPresent();
        assertThat(a.liveness.touch(second.handle())).isPresent();
        assertThat(a.remembered.size()).isEqualTo(2);

        a.services.accounts().endSessions(userId, Optional.empty(), Actor.operator("test"));

        assertThat(a.remembered.size()).isZero();
        assertThat(a.liveness.isAlive(second.handle(), userId)).isFalse();
    }

    @Test
    void aSessionIsForgottenAtItsDeadlineWithoutBeingAskedAgain() {
        LoginService.Issued issued = login(a);
        assertThat(a.liveness.touch(issued.session().handle())).isPresent();
        assertThat(a.remembered.size()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(a.remembered.size()).as("alive for one more second").isEqualTo(1);
        assertThat(a.active(issued.tokens().accessToken())).isTrue();

        clock.advance(Duration.ofSeconds(1));

        assertThat(a.remembered.size()).isZero();
        assertThat(a.active(issued.tokens().accessToken())).isFalse();
    }

    @Test
    void aRememberedDeadlinePassedIsReadAgainAndFollowsTheSlidingIdleTimeout() {
        LoginService.Issued issued = login(a);
        String access = issued.tokens().accessToken();
        String sid = issued.session().handle();
        // Remembered on the verified token: alive until 10 minutes after the login.
        assertThat(a.active(access)).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(a.liveness.touch(sid)).isPresent(); // the idle deadline moves to 11 minutes after the login
        clock.advance(Duration.ofMinutes(9).plusSeconds(30));
        assertThat(a.active(access))
                .as("past the first deadline, the session is read again")
                .isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(a.active(access)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.active(access)).isFalse();
    }

    @Test
    void aSessionEndedOnAnotherInstanceIsInactiveThroughTheRevocation() {
        Assumptions.assumeTrue(backend.isRedis(), "two instances share state only through Redis");
        Instance b = new Instance();
        LoginService.Issued issued = login(a);
        String access = issued.tokens().accessToken();
        assertThat(a.active(access)).isTrue();
        assertThat(a.liveness.touch(issued.session().handle())).isPresent();
        assertThat(b.active(access)).isTrue();

        assertThat(b.services.sessions().endByHandle(issued.session().handle())).isTrue();

        // Instance a remembers the session as alive for 10 more minutes; the revocation reaches it anyway.
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.active(access));
        assertThatThrownBy(() -> a.services.tokens().verify(access))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.REVOKED_SESSION));
    }

    @Test
    void touchWritesLastSeenOncePerIntervalAndSlidesTheIdleTimeout() {
        LoginService.Issued issued = login(a);
        String sid = issued.session().handle();
        Session first = a.liveness.touch(sid).orElseThrow();
        clock.advance(Duration.ofSeconds(59));
        // Within the interval: nothing to write, the remembered session is the stored one.
        assertThat(a.liveness.touch(sid)).contains(first);
        assertThat(a.services.sessions().getByHandle(sid).orElseThrow().lastSeenAt())
                .isEqualTo(first.lastSeenAt());
        clock.advance(Duration.ofSeconds(1));
        Session touched = a.liveness.touch(sid).orElseThrow();
        assertThat(touched.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(a.services.sessions().getByHandle(sid).orElseThrow().lastSeenAt())
                .isEqualTo(clock.instant());
        // The idle deadline moved: 10 minutes after the touch, not after the login.
        clock.advance(Duration.ofMinutes(9).plusSeconds(30));
        assertThat(a.liveness.touch(sid)).isPresent();
        assertThat(a.active(issued.tokens().accessToken())).isTrue();
    }

    @Test
    void aForgedRefreshTokenChangesNothing() {
        LoginService.Issued victim = login(a);
        LoginService.Issued other = login(a);
        String[] v = victim.tokens().refreshToken().split("\\.");
        String[] o = other.tokens().refreshToken().split("\\.");
        // The victim's header and claims, a signature that is not theirs: well-formed, unexpired, not signed.
        String forged = v[0] + "." + v[1] + "." + o[2];

        assertThatThrownBy(() -> a.logins.refresh(forged, CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
        // Suspended or not, a forged token learns nothing about the account.
        a.users.suspend(victim.session().userId());
        a.services.profiles().drop(victim.session().userId());
        assertThatThrownBy(() -> a.logins.refresh(forged, CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
        a.users.reactivate(victim.session().userId());
        a.services.profiles().drop(victim.session().userId());

        // Nothing was rotated, revoked or ended: the victim's own token still rotates, and the session lives.
        assertThat(a.services.sessions().getByHandle(victim.session().handle())).isPresent();
        assertThat(a.services.tokens().verify(victim.tokens().accessToken()).subject())
                .isEqualTo(victim.session().userId());
        TokenPair next =
                a.logins.refresh(victim.tokens().refreshToken(), CLIENT).tokens();
        assertThat(next.familyId()).isEqualTo(victim.tokens().familyId());
        assertThat(a.active(next.accessToken())).isTrue();
    }

    @Test
    void aSuspendedUsersRefreshIsRefusedAndEndsTheLogin() {
        LoginService.Issued issued = login(a);
        String userId = issued.session().userId();
        a.users.suspend(userId);
        a.services.profiles().drop(userId);
        assertThatThrownBy(() -> a.logins.refresh(issued.tokens().refreshToken(), CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.SUSPENDED));
        // The user is read only once the rotation has authenticated the token (a forged token costs no
        // database read), so the refusal comes after the rotation: the family is revoked, the login is over.
        a.users.reactivate(userId);
        a.services.profiles().drop(userId);
        assertThatThrownBy(() -> a.logins.refresh(issued.tokens().refreshToken(), CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
    }

    @Test
    void forgedRefreshTokensCannotThrottleTheOwner() {
        LoginService.Issued victim = login(a);
        String[] v = victim.tokens().refreshToken().split("\\.");
        // 80 forged tokens naming the victim's family (its id is in every access token): more than the
        // family's 60 refreshes a minute, all refused, none counted.
        for (int i = 0; i < 80; i++) {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            String forged = v[0] + "." + v[1] + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            assertThatThrownBy(() -> a.logins.refresh(forged, CLIENT))
                    .isInstanceOfSatisfying(
                            AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
        }

        LoginService.Issued next = a.logins.refresh(victim.tokens().refreshToken(), CLIENT);
        assertThat(next.tokens().familyId()).isEqualTo(victim.tokens().familyId());
    }

    @Test
    void aRoleChangeTakesEffectAtTheNextRefresh() {
        LoginService.Issued issued = login(a);
        String userId = issued.session().userId();
        assertThat(a.services.tokens().verify(issued.tokens().accessToken()).roles())
                .doesNotContain("auditor");
        a.services.accounts().setRoles(userId, java.util.Set.of("user", "auditor"), Actor.operator("test"));

        LoginService.Issued next = a.logins.refresh(issued.tokens().refreshToken(), CLIENT);

        assertThat(a.services.tokens().verify(next.tokens().accessToken()).roles())
                .contains("auditor");
    }

    @Test
    void removedRoleTakesEffectAtOnceForEveryTokenOfTheUser() {
        LoginService.Issued issued = login(a);
        String userId = issued.session().userId();
        a.services.accounts().setRoles(userId, java.util.Set.of("user", "auditor"), Actor.operator("test"));
        LoginService.Issued auditor = a.logins.refresh(issued.tokens().refreshToken(), CLIENT);
        assertThat(a.services.tokens().verify(auditor.tokens().accessToken()).roles())
                .contains("auditor");

        a.services.accounts().setRoles(userId, java.util.Set.of("user"), Actor.operator("test"));

        // The access token that says "auditor" is revoked now, not at its expiry, and so is the refresh token
        // that would mint another one: the user logs in again and gets the roles they have.
        assertThatThrownBy(() -> a.services.tokens().verify(auditor.tokens().accessToken()))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.REVOKED_USER));
        assertThatThrownBy(() -> a.logins.refresh(auditor.tokens().refreshToken(), CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
        assertThat(a.active(auditor.tokens().accessToken())).isFalse();
    }

    @Test
    void theRefreshOfAnExpiredSessionRevokesItsFamily() {
        LoginService.Issued issued = login(a);
        clock.advance(Duration.ofMinutes(10));
        assertThat(a.services.sessions().getByHandle(issued.session().handle())).isEmpty();

        assertThatThrownBy(() -> a.logins.refresh(issued.tokens().refreshToken(), CLIENT))
                .isInstanceOfSatisfying(AuthFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH);
                    assertThat(e.getMessage()).contains("session");
                });
        // The family is revoked: the login's access token (still inside its 15 minutes) is refused, and so
        // is the refresh token, for good.
        assertThatThrownBy(() -> a.services.tokens().verify(issued.tokens().accessToken()))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.REVOKED_FAMILY));
        assertThatThrownBy(() -> a.logins.refresh(issued.tokens().refreshToken(), CLIENT))
                .isInstanceOfSatisfying(
                        AuthFailure.class, e -> assertThat(e.kind()).isEqualTo(AuthFailure.Kind.INVALID_REFRESH));
    }

    @Test
    void aRefreshOnAnotherInstanceUsesTheSameFamilyAndSession() {
        Assumptions.assumeTrue(backend.isRedis(), "two instances share state only through Redis");
        Instance b = new Instance();
        LoginService.Issued issued = login(a);
        LoginService.Issued next = b.logins.refresh(issued.tokens().refreshToken(), CLIENT);
        assertThat(next.session().handle()).isEqualTo(issued.session().handle());
        assertThat(next.tokens().familyId()).isEqualTo(issued.tokens().familyId());
        assertThat(a.active(next.tokens().accessToken())).isTrue();
        VerifiedToken answered = a.oauth
                .introspect(
                        new OAuthClient("rs", java.util.Set.of(OAuthClient.INTROSPECT)),
                        next.tokens().accessToken())
                .token()
                .orElseThrow();
        assertThat(answered.subject()).isEqualTo(issued.session().userId());
        assertThat(answered.sessionId()).isEqualTo(issued.session().handle());
    }
}
