package io.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The user-store contract, on the embedded H2 file database and on a real PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabases.class)
class UserStoreIntegrationTest {
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

    @Parameter
    TestDatabases database;

    @TempDir
    Path tempDir;

    private GatehouseConfig config;
    private UserDatabase db;
    private UserStore store;

    @BeforeEach
    void open() {
        config = database.freshConfig(tempDir);
        db = UserDatabase.open(config);
        store = db.store();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static User user(String email, Set<String> roles) {
        return new User(
                UUID.randomUUID().toString(), email, Optional.of("Ann Example"), UserStatus.ACTIVE, roles, T0, T0);
    }

    @Test
    void storesAndFindsAUserByIdAndByEmailInAnyCase() {
        User ann = user("Ann.Example@Example.com", Set.of("user", "admin"));
        store.insert(ann, "$argon2id$hash-1");

        UserStore.Entry byId = store.findById(ann.id()).orElseThrow();
        assertThat(byId.user()).isEqualTo(ann);
        assertThat(byId.passwordHash()).isEqualTo("$argon2id$hash-1");
        assertThat(store.findByEmail("ann.example@EXAMPLE.COM")).contains(byId);
        assertThat(store.findByEmail("  ann.example@example.com ")).contains(byId);
        // Full-width letters fold to ASCII under NFKC: a look-alike address is the same account.
        assertThat(store.findByEmail("\uFF41nn.example@example.com")).contains(byId);
        assertThat(store.findByEmail("bob@example.com")).isEmpty();
        assertThat(store.findById(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void anAddressIsVerifiedOnce() {
        User ann = user("ann@example.com", Set.of("user"));
        store.insert(ann, "$argon2id$hash-1");
        assertThat(store.findById(ann.id()).orElseThrow().emailVerifiedAt()).isEmpty();
        Instant at = T0.plus(1, ChronoUnit.HOURS);
        assertThat(store.markEmailVerified(ann.id(), at)).isTrue();
        assertThat(store.markEmailVerified(ann.id(), at.plusSeconds(1)))
                .as("only once")
                .isFalse();
        assertThat(store.findById(ann.id()).orElseThrow().emailVerifiedAt()).contains(at);
        assertThat(store.markEmailVerified(UUID.randomUUID().toString(), at)).isFalse();
    }

    @Test
    void aResetSetsThePasswordOnlyIfItDidNotChangeSinceTheTokenWasIssued() {
        User ann = user("ann@example.com", Set.of("user"));
        store.insert(ann, "$argon2id$hash-1");
        Instant later = T0.plus(1, ChronoUnit.HOURS);
        assertThat(store.setPasswordIfUnchanged(ann.id(), "$argon2id$hash-2", later, T0.minusSeconds(1)))
                .as("bound to another password")
                .isFalse();
        assertThat(store.setPasswordIfUnchanged(ann.id(), "$argon2id$hash-2", later, T0))
                .isTrue();
        assertThat(store.setPasswordIfUnchanged(ann.id(), "$argon2id$hash-3", later.plusSeconds(1), T0))
                .as("the password changed since: the token is dead")
                .isFalse();
        UserStore.Entry e = store.findById(ann.id()).orElseThrow();
        assertThat(e.passwordHash()).isEqualTo("$argon2id$hash-2");
        assertThat(e.user().passwordChangedAt()).isEqualTo(later);
    }

    @Test
    void keepsAnEmptyFullNameAndNoRoles() {
        User bare = new User(
                UUID.randomUUID().toString(),
                "bare@example.com",
                Optional.empty(),
                UserStatus.SUSPENDED,
                Set.of(),
                T0,
                T0.plusSeconds(1));
        store.insert(bare, "h");
        assertThat(store.findById(bare.id()).orElseThrow().user()).isEqualTo(bare);
    }

    @Test
    void refusesASecondUserWithTheSameEmailInAnotherCaseAndKeepsTheFirst() {
        User first = user("ann@example.com", Set.of("user"));
        store.insert(first, "first-hash");
        User second = user("ANN@Example.COM", Set.of("admin"));

        assertThatThrownBy(() -> store.insert(second, "second-hash")).isInstanceOf(EmailTakenException.class);

        assertThat(store.findByEmail("ann@example.com").orElseThrow().user()).isEqualTo(first);
        assertThat(store.findById(second.id())).isEmpty();
    }

    @Test
    void concurrentRegistrationsOfOneEmailHaveExactlyOneWinner() throws Exception {
        int contenders = 8;
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            String email = (i % 2 == 0 ? "race@example.com" : "RACE@example.com");
            attempts.add(() -> {
                try {
                    store.insert(user(email, Set.of("user")), "h");
                    return true;
                } catch (EmailTakenException e) {
                    return false;
                }
            });
        }
        List<Boolean> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (Future<Boolean> f : pool.invokeAll(attempts)) {
                outcomes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).containsOnlyOnce(true).hasSize(contenders);
    }

    @Test
    void replacesAHashOnlyWhenItIsStillTheExpectedOne() {
        User ann = user("ann@example.com", Set.of("user"));
        store.insert(ann, "old");

        assertThat(store.replaceHash(ann.id(), "not-the-current", "stale")).isFalse();
        assertThat(store.findById(ann.id()).orElseThrow().passwordHash()).isEqualTo("old");

        assertThat(store.replaceHash(ann.id(), "old", "new")).isTrue();
        UserStore.Entry e = store.findById(ann.id()).orElseThrow();
        assertThat(e.passwordHash()).isEqualTo("new");
        assertThat(e.user().passwordChangedAt())
                .as("a rehash is not a password change")
                .isEqualTo(T0);
    }

    @Test
    void setsPasswordStatusAndRoles() {
        User ann = user("ann@example.com", Set.of("user"));
        store.insert(ann, "old");
        Instant later = T0.plus(1, ChronoUnit.HOURS);

        assertThat(store.setPassword(ann.id(), "new", later)).isTrue();
        assertThat(store.setStatus(ann.id(), UserStatus.SUSPENDED, later)).isTrue();
        assertThat(store.setRoles(ann.id(), Set.of("admin", "auditor"), later)).isTrue();

        UserStore.Entry e = store.findById(ann.id()).orElseThrow();
        assertThat(e.passwordHash()).isEqualTo("new");
        assertThat(e.user().passwordChangedAt()).isEqualTo(later);
        assertThat(e.user().status()).isEqualTo(UserStatus.SUSPENDED);
        assertThat(e.user().roles()).containsExactlyInAnyOrder("admin", "auditor");

        assertThat(store.setRoles(ann.id(), Set.of(), later)).isTrue();
        assertThat(store.findById(ann.id()).orElseThrow().user().roles()).isEmpty();
    }

    @Test
    void changesToAnUnknownUserReportFalse() {
        String nobody = UUID.randomUUID().toString();
        assertThat(store.setPassword(nobody, "h", T0)).isFalse();
        assertThat(store.setStatus(nobody, UserStatus.SUSPENDED, T0)).isFalse();
        assertThat(store.setRoles(nobody, Set.of("admin"), T0)).isFalse();
        assertThat(store.replaceHash(nobody, "a", "b")).isFalse();
        assertThat(store.findById(nobody)).isEmpty();
    }

    @Test
    void reopeningKeepsTheDataAndAppliesNoMigrationTwice() {
        User ann = user("ann@example.com", Set.of("user"));
        store.insert(ann, "h");
        db.close();

        db = UserDatabase.open(config);
        store = db.store();

        assertThat(store.findById(ann.id()).orElseThrow().user()).isEqualTo(ann);
        assertThat(db.check(java.time.Duration.ofSeconds(2)).up()).isTrue();
    }

    @Test
    void searchesByEmailNameOrIdInEmailOrderOnePageAtATime() {
        User carol = new User(
                UUID.randomUUID().toString(),
                "carol@example.org",
                Optional.of("Carol 100% Real"),
                UserStatus.SUSPENDED,
                Set.of("user", "admin"),
                T0,
                T0);
        User ann = user("ann@example.com", Set.of("user"));
        User bob = new User(
                UUID.randomUUID().toString(), "bob@example.com", Optional.empty(), UserStatus.ACTIVE, Set.of(), T0, T0);
        store.insert(carol, "h");
        store.insert(ann, "h");
        store.insert(bob, "h");

        UserPage first = store.search("", 0, 2);
        assertThat(first.users()).containsExactly(ann, bob);
        assertThat(first.total()).isEqualTo(3);
        assertThat(first.hasMore()).isTrue();
        UserPage second = store.search("", first.nextOffset(), 2);
        assertThat(second.users()).containsExactly(carol);
        assertThat(second.hasMore()).isFalse();

        assertThat(store.search("example.com", 0, 10).users()).containsExactly(ann, bob);
        assertThat(store.search("ann example", 0, 10).users())
                .as("full name, lower-cased")
                .containsExactly(ann);
        assertThat(store.search(carol.id().substring(0, 8), 0, 10).users()).containsExactly(carol);
        // LIKE wildcards in the query match literally.
        assertThat(store.search("100%", 0, 10).users()).containsExactly(carol);
        assertThat(store.search("_", 0, 10).users()).isEmpty();
        assertThat(store.search("%%", 0, 10).total()).isZero();
        UserPage none = store.search("nobody", 0, 10);
        assertThat(none.users()).isEmpty();
        assertThat(none.total()).isZero();
        assertThat(store.search("", 5, 10).users()).as("past the end").isEmpty();
    }
}
