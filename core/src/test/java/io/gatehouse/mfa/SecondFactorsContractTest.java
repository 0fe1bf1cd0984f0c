package io.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import io.gatehouse.user.Registration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Second factors through {@link Gatehouse}, on the in-memory store and every Redis topology, with a hand-moved
 * clock: enrolment, codes accepted once (also across two instances sharing the store and database), recovery
 * codes used once, challenges that count attempts atomically, and the key at rest.
 */
class SecondFactorsContractTest extends StoreContract {
    private static final String KEY = "bWZhLXRlc3Qta2V5LW1mYS10ZXN0LWtleS0zMmJ5dGU=";

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final List<Gatehouse> opened = new ArrayList<>();
    private String dbUrl;
    private Gatehouse gh;

    @BeforeEach
    void open() {
        dbUrl = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        gh = instance(KEY);
    }

    @AfterEach
    void close() {
        opened.forEach(Gatehouse::close);
    }

    private Gatehouse instance(String key) {
        GatehouseConfig.Builder b = backend.configBuilder()
                // Each instance its own data directory (event spool, key file), as two servers would have.
                .dataDir(dataDir.resolve("instance-" + opened.size()))
                .set("gatehouse.db.url", dbUrl)
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                // Closing waits for the revocation reader's blocking read (1 s by default) to return: 200 ms
                // keeps that wait short in a test that opens an instance per test (docs/TESTING.md).
                .set("gatehouse.tokens.revocation.read-block", "200ms")
                .set("gatehouse.sessions.mac-key", "Wm9vb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb28=")
                .set("gatehouse.sessions.device-key", "RGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGV2aWNlZGU=");
        if (key != null) {
            b.set("gatehouse.mfa.encryption-key", key);
        }
        Gatehouse g = Gatehouse.builder().config(b.build()).clock(clock).build();
        opened.add(g);
        return g;
    }

    private String user() {
        return gh.users()
                .register(new Registration(
                        "ann-" + UUID.randomUUID() + "@example.com", "correct horse battery", Optional.empty()))
                .id();
    }

    private static byte[] secret(TotpEnrolment e) {
        return new Base32().decode(e.secret());
    }

    private String codeNow(byte[] secret) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }

    /** An enrolled, confirmed user; the clock is moved one step on, so the confirming code's step is past. */
    private byte[] enrolled(String user) {
        TotpEnrolment e = gh.secondFactors().enrol(user, "ann@example.com");
        byte[] secret = secret(e);
        assertThat(gh.secondFactors().confirm(user, codeNow(secret))).isPresent();
        clock.advance(Duration.ofSeconds(30));
        return secret;
    }

    @Test
    void enrolmentNeedsAFirstCodeAndAnswersTenRecoveryCodes() {
        String ann = user();
        TotpEnrolment e = gh.secondFactors().enrol(ann, "ann@example.com");
        assertThat(e.secret()).matches("[A-Z2-7]{32}");
        assertThat(e.uri())
                .startsWith("otpauth://totp/Gatehouse:ann%40example.com?secret=" + e.secret())
                .contains("issuer=Gatehouse", "digits=6", "period=30");
        assertThat(e.toString()).doesNotContain(e.secret());
        assertThat(gh.secondFactors().enabled(ann))
                .as("pending until confirmed")
                .isFalse();

        String wrong = codeNow(secret(e)).equals("000000") ? "111111" : "000000";
        assertThat(gh.secondFactors().confirm(ann, wrong)).isEmpty();
        Optional<List<String>> codes = gh.secondFactors().confirm(ann, codeNow(secret(e)));

        assertThat(codes)
                .hasValueSatisfying(c -> assertThat(c)
                        .hasSize(10)
                        .doesNotHaveDuplicates()
                        .allMatch(s -> s.matches("[a-z2-9]{5}-[a-z2-9]{5}")));
        assertThat(gh.secondFactors().enabled(ann)).isTrue();
        assertThat(gh.secondFactors().recoveryCodesLeft(ann)).isEqualTo(10);
        assertThatThrownBy(() -> gh.secondFactors().enrol(ann, "ann@example.com"))
                .isInstanceOfSatisfying(
                        SecondFactorException.class,
                        x -> assertThat(x.reason()).isEqualTo(SecondFactorException.Reason.ALREADY_ENABLED));
    }

    @Test
    void aCodeIsAcceptedOnceAndAnOlderOneNotAfterANewerOne() {
        String ann = user();
        byte[] secret = enrolled(ann);
        long now = Totp.step(clock.instant());
        String current = Totp.code(secret, now);
        String previous = Totp.code(secret, now - 1);
        String next = Totp.code(secret, now + 1);

        assertThat(gh.secondFactors().verifyTotp(ann, next))
                .as("early by one step")
                .isTrue();
        assertThat(gh.secondFactors().verifyTotp(ann, next)).as("replayed").isFalse();
        assertThat(gh.secondFactors().verifyTotp(ann, current))
                .as("older than one used")
                .isFalse();
        assertThat(gh.secondFactors().verifyTotp(ann, previous)).isFalse();
    }

    @Test
    void aCodeUsedOnOneInstanceIsRefusedOnAnother() {
        assumeThat(backend.isRedis()).as("instances share state through Redis").isTrue();
        Gatehouse other = instance(KEY);
        String ann = user();
        byte[] secret = enrolled(ann);
        String code = codeNow(secret);

        assertThat(gh.secondFactors().verifyTotp(ann, code)).isTrue();
        assertThat(other.secondFactors().verifyTotp(ann, code)).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(other.secondFactors().verifyTotp(ann, codeNow(secret))).isTrue();
    }

    @Test
    void timeWindowEdgesWithTheInjectedClock() {
        String ann = user();
        byte[] secret = enrolled(ann);
        long t = Totp.step(clock.instant()) + 10;
        String code = Totp.code(secret, t);
        Instant stepStart = Instant.ofEpochSecond(t * 30);

        clock.set(stepStart.minusMillis(30_001));
        assertThat(gh.secondFactors().verifyTotp(ann, code))
                .as("two steps early")
                .isFalse();
        clock.set(stepStart.plusSeconds(60));
        assertThat(gh.secondFactors().verifyTotp(ann, code))
                .as("two steps late")
                .isFalse();
        clock.set(stepStart.plusMillis(59_999));
        assertThat(gh.secondFactors().verifyTotp(ann, code))
                .as("last millisecond of the late step")
                .isTrue();
    }

    @Test
    void recoveryCodesWorkOnceAndRegenerationRetiresTheOldSet() {
        String ann = user();
        enrolled(ann);
        List<String> codes = gh.secondFactors().regenerateRecoveryCodes(ann);
        String first = codes.get(0);

        assertThat(gh.secondFactors().useRecoveryCode(ann, " " + first.toUpperCase() + " "))
                .as("spaces and case do not matter")
                .isTrue();
        assertThat(gh.secondFactors().useRecoveryCode(ann, first)).as("used").isFalse();
        assertThat(gh.secondFactors().recoveryCodesLeft(ann)).isEqualTo(9);
        assertThat(gh.secondFactors().useRecoveryCode(user(), codes.get(1)))
                .as("another user's")
                .isFalse();

        List<String> fresh = gh.secondFactors().regenerateRecoveryCodes(ann);
        assertThat(gh.secondFactors().useRecoveryCode(ann, codes.get(1)))
                .as("old set")
                .isFalse();
        assertThat(gh.secondFactors().useRecoveryCode(ann, fresh.get(1).replace("-", "")))
                .isTrue();
    }

    @Test
    void aChallengeChecksAtMostFiveCodesHoweverManyRace() throws Exception {
        String ann = user();
        Challenge.Opened c = gh.secondFactors().openChallenge(ann, Map.of("ip", "10.0.0.1"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<Challenge.Attempt>>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(() -> gh.secondFactors().attempt(c.id()));
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<Optional<Challenge.Attempt>> f : pool.invokeAll(tasks)) {
                f.get().ifPresent(a -> {
                    assertThat(a.userId()).isEqualTo(ann);
                    assertThat(a.context()).containsEntry("ip", "10.0.0.1");
                    numbers.add(a.number());
                });
            }
            assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(gh.secondFactors().attempt(c.id())).as("locked").isEmpty();
        assertThat(gh.secondFactors().complete(c.id())).isFalse();
    }

    @Test
    void aChallengeCompletesOnceAndUnknownIdsGetNothing() {
        String ann = user();
        Challenge.Opened c = gh.secondFactors().openChallenge(ann, Map.of());
        assertThat(c.expiresIn()).isEqualTo(Duration.ofMinutes(5));
        assertThat(gh.secondFactors().attempt(c.id()))
                .hasValueSatisfying(a -> assertThat(a.remaining()).isEqualTo(4));
        assertThat(gh.secondFactors().complete(c.id())).isTrue();
        assertThat(gh.secondFactors().complete(c.id())).isFalse();
        assertThat(gh.secondFactors().attempt(c.id())).isEmpty();
        assertThat(gh.secondFactors().attempt("no-such-challenge")).isEmpty();
        assertThat(gh.secondFactors().attempt("")).isEmpty();
    }

    @Test
    void aChallengeExpiresWithTheClock() {
        assumeThat(backend.isRedis()).as("Redis expires keys by its own clock").isFalse();
        Challenge.Opened c = gh.secondFactors().openChallenge(user(), Map.of());
        clock.advance(Duration.ofMinutes(5));
        assertThat(gh.secondFactors().attempt(c.id())).isEmpty();
    }

    @Test
    void secretsAreSealedAtRestAndNeedTheirKey() throws Exception {
        String ann = user();
        TotpEnrolment e = gh.secondFactors().enrol(ann, "ann@example.com");
        List<String> codes = gh.secondFactors().confirm(ann, codeNow(secret(e))).orElseThrow();
        StringBuilder stored = new StringBuilder();
        try (Connection c = gh.userDatabase().orElseThrow().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT secret_sealed FROM user_totp UNION ALL "
                        + "SELECT code_hash FROM user_recovery_codes")) {
            while (rs.next()) {
                stored.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(stored.toString()).doesNotContain(e.secret());
        codes.forEach(code -> assertThat(stored.toString()).doesNotContain(code.replace("-", "")));

        assertThatThrownBy(() -> instance(null))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        x -> assertThat(x.getMessage())
                                .contains("gatehouse.mfa.encryption-key")
                                .doesNotContain("\n"));
        Gatehouse wrongKey = instance("d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktMzI=");
        assertThatThrownBy(() -> wrongKey.secondFactors().verifyTotp(ann, codeNow(secret(e))))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void aBadKeyIsRefusedAtStartupInOneLine() {
        assertThatThrownBy(() -> instance("dG9vLXNob3J0"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        x -> assertThat(x.getMessage())
                                .startsWith("gatehouse.mfa.encryption-key must be 32 random bytes")
                                .doesNotContain("\n"));
    }

    @Test
    void disablingRemovesTheFactorAndItsCodes() {
        String ann = user();
        enrolled(ann);
        List<String> codes = gh.secondFactors().regenerateRecoveryCodes(ann);
        assertThat(gh.secondFactors().disable(ann)).isTrue();
        assertThat(gh.secondFactors().enabled(ann)).isFalse();
        assertThat(gh.secondFactors().useRecoveryCode(ann, codes.get(0))).isFalse();
        assertThat(gh.secondFactors().disable(ann)).isFalse();
    }
}
