package io.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserServiceTest {
    private static final String PASSWORD = "correct horse battery";

    private final MutableClock clock = MutableClock.at("2030-05-06T07:08:09.123Z");
    private UserDatabase db;
    private CountingHasher hasher;
    private UserService users;

    @BeforeEach
    void setUp() {
        db = TestDatabases.memory();
        hasher = new CountingHasher(PasswordHasher.argon2(TestDatabases.cheap()));
        users = UserService.builder()
                .store(db.store())
                .hasher(hasher)
                .clock(clock)
                .build();
        hasher.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private User register(String email) {
        return users.register(new Registration(email, PASSWORD, Optional.of("Ann")));
    }

    @Test
    void withVerifiedEmailRequiredAnUnverifiedUserIsRefusedOnlyAfterTheRightPassword() {
        UserService strict = UserService.builder()
                .store(db.store())
                .hasher(hasher)
                .clock(clock)
                .requireVerifiedEmail(true)
                .build();
        User ann = register("ann@example.com");
        assertThat(strict.authenticate("ann@example.com", "wrong password"))
                .isEqualTo(new AuthenticationResult.Rejected(AuthenticationResult.Reason.INVALID_CREDENTIALS));
        assertThat(strict.authenticate("ann@example.com", PASSWORD))
                .isEqualTo(new AuthenticationResult.Rejected(AuthenticationResult.Reason.EMAIL_UNVERIFIED));
        assertThat(users.authenticate("ann@example.com", PASSWORD))
                .as("not required: logs in")
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(strict.markEmailVerified(ann.id())).isTrue();
        assertThat(strict.emailVerified(ann.id())).isTrue();
        assertThat(strict.authenticate("ann@example.com", PASSWORD))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void aResetAppliesThePolicyAndOnlyWhileThePasswordIsTheOneTheTokenWasBoundTo() {
        User ann = register("ann@example.com");
        assertThatThrownBy(() -> users.resetPassword(ann.id(), "short", ann.passwordChangedAt()))
                .isInstanceOf(InvalidUserInputException.class);
        clock.advance(java.time.Duration.ofMinutes(1));
        PasswordChange c = users.resetPassword(ann.id(), "staple gun orbit lantern", ann.passwordChangedAt())
                .orElseThrow();
        assertThat(c.changedAt()).isAfter(ann.passwordChangedAt());
        assertThat(users.resetPassword(ann.id(), "another fine password", ann.passwordChangedAt()))
                .as("the password changed since the token was issued")
                .isEmpty();
        assertThat(users.authenticate("ann@example.com", "staple gun orbit lantern"))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void registersAnActiveUserWithANormalisedEmailAndAHashedPassword() {
        User ann = users.register(new Registration("  Ann@Example.com ", PASSWORD, Optional.of("  Ann Example ")));

        assertThat(ann.email()).isEqualTo("Ann@Example.com");
        assertThat(ann.fullName()).contains("Ann Example");
        assertThat(ann.status()).isEqualTo(UserStatus.ACTIVE);
        assertThat(ann.roles()).containsExactly(UserService.DEFAULT_ROLE);
        assertThat(ann.createdAt()).isEqualTo(Instant.parse("2030-05-06T07:08:09.123Z"));
        String hash = db.store().findById(ann.id()).orElseThrow().passwordHash();
        assertThat(hash).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(users.find(ann.id())).contains(ann);
    }

    @Test
    void refusesAnEmailThatDiffersOnlyInCase() {
        register("ann@example.com");
        assertThatThrownBy(() -> register("ANN@EXAMPLE.COM")).isInstanceOf(EmailTakenException.class);
    }

    @Test
    void reportsEveryInvalidFieldAndNeverEchoesThePassword() {
        String shortPassword = "s3cr3t!";
        assertThatThrownBy(() ->
                        users.register(new Registration("not-an-email", shortPassword, Optional.of("x".repeat(201)))))
                .isInstanceOfSatisfying(InvalidUserInputException.class, e -> {
                    assertThat(e.errors())
                            .extracting(FieldError::field)
                            .containsExactly("email", "password", "full_name");
                    assertThat(e.getMessage()).doesNotContain(shortPassword);
                });
        assertThat(hasher.hashes).hasValue(0);
    }

    @Test
    void missingFieldsAreInvalidNotAServerError() {
        assertThatThrownBy(() -> users.register(new Registration(null, null, Optional.empty())))
                .isInstanceOfSatisfying(
                        InvalidUserInputException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("email", "password"));
    }

    @Test
    void authenticatesTheRightPasswordWithTheEmailInAnyCase() {
        User ann = register("ann@example.com");
        assertThat(users.authenticate("ANN@example.com", PASSWORD))
                .isEqualTo(new AuthenticationResult.Authenticated(ann));
    }

    @Test
    void anUnknownEmailCostsExactlyTheHashWorkOfAWrongPassword() {
        register("ann@example.com");

        hasher.reset();
        AuthenticationResult wrongPassword = users.authenticate("ann@example.com", "wrong password!");
        int wrongPasswordWork = hasher.verifications.get() + hasher.hashes.get();

        hasher.reset();
        AuthenticationResult unknownEmail = users.authenticate("nobody@example.com", "wrong password!");
        int unknownEmailWork = hasher.verifications.get() + hasher.hashes.get();

        assertThat(wrongPassword)
                .isEqualTo(unknownEmail)
                .isEqualTo(new AuthenticationResult.Rejected(AuthenticationResult.Reason.INVALID_CREDENTIALS));
        assertThat(wrongPasswordWork).isEqualTo(1);
        assertThat(unknownEmailWork).isEqualTo(wrongPasswordWork);

        hasher.reset();
        users.authenticate("", "whatever");
        users.authenticate(null, null);
        assertThat(hasher.verifications)
                .as("even an empty email costs a verification")
                .hasValue(2);
    }

    @Test
    void rehashesAtLoginWhenTheParametersChanged() {
        User ann = register("ann@example.com");
        String oldHash = db.store().findById(ann.id()).orElseThrow().passwordHash();
        assertThat(oldHash).contains("m=256,t=1,p=1");

        Argon2Parameters stronger = new Argon2Parameters(512, 2, 1, 32, 16);
        CountingHasher upgraded = new CountingHasher(PasswordHasher.argon2(stronger));
        UserService after = UserService.builder()
                .store(db.store())
                .hasher(upgraded)
                .clock(clock)
                .build();
        upgraded.reset();

        assertThat(after.authenticate("ann@example.com", PASSWORD))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        String newHash = db.store().findById(ann.id()).orElseThrow().passwordHash();
        assertThat(newHash).contains("m=512,t=2,p=1").isNotEqualTo(oldHash);
        assertThat(upgraded.hashes).hasValue(1);

        upgraded.reset();
        assertThat(after.authenticate("ann@example.com", PASSWORD))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(upgraded.hashes).as("already current: no second rehash").hasValue(0);
        assertThat(db.store().findById(ann.id()).orElseThrow().passwordHash()).isEqualTo(newHash);
    }

    @Test
    void aWrongPasswordDoesNotRehash() {
        User ann = register("ann@example.com");
        String oldHash = db.store().findById(ann.id()).orElseThrow().passwordHash();
        UserService after = UserService.builder()
                .store(db.store())
                .hasher(PasswordHasher.argon2(new Argon2Parameters(512, 2, 1, 32, 16)))
                .clock(clock)
                .build();

        after.authenticate("ann@example.com", "wrong password!");

        assertThat(db.store().findById(ann.id()).orElseThrow().passwordHash()).isEqualTo(oldHash);
    }

    @Test
    void aSuspendedUserIsToldSoOnlyWithTheRightPassword() {
        User ann = register("ann@example.com");
        clock.advance(Duration.ofMinutes(5));
        Instant suspendedAt = users.suspend(ann.id());

        assertThat(suspendedAt).isEqualTo(Instant.parse("2030-05-06T07:13:09.123Z"));
        assertThat(users.authenticate("ann@example.com", "wrong password!"))
                .isEqualTo(new AuthenticationResult.Rejected(AuthenticationResult.Reason.INVALID_CREDENTIALS));
        assertThat(users.authenticate("ann@example.com", PASSWORD))
                .isEqualTo(new AuthenticationResult.Rejected(AuthenticationResult.Reason.SUSPENDED));

        users.reactivate(ann.id());
        assertThat(users.authenticate("ann@example.com", PASSWORD))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void changingThePasswordReturnsTheInstantFromWhichOldTokensAreRevoked() {
        User ann = register("ann@example.com");
        clock.advance(Duration.ofHours(1));

        PasswordChange change = users.changePassword(ann.id(), PASSWORD, "a brand new passphrase");

        assertThat(change.changedAt()).isEqualTo(Instant.parse("2030-05-06T08:08:09.123Z"));
        assertThat(change.user().passwordChangedAt()).isEqualTo(change.changedAt());
        assertThat(users.find(ann.id()).orElseThrow().passwordChangedAt()).isEqualTo(change.changedAt());
        assertThat(users.authenticate("ann@example.com", PASSWORD)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(users.authenticate("ann@example.com", "a brand new passphrase"))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void changingThePasswordChecksTheCurrentOneAndThePolicy() {
        User ann = register("ann@example.com");
        assertThatThrownBy(() -> users.changePassword(ann.id(), "not the password", "a brand new passphrase"))
                .isInstanceOfSatisfying(
                        InvalidUserInputException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("current_password"));
        assertThatThrownBy(() -> users.changePassword(ann.id(), PASSWORD, "short"))
                .isInstanceOfSatisfying(
                        InvalidUserInputException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("new_password"));
        assertThatThrownBy(() -> users.changePassword(ann.id(), PASSWORD, PASSWORD))
                .isInstanceOf(InvalidUserInputException.class);
        assertThatThrownBy(() -> users.changePassword("no-such-id", PASSWORD, "a brand new passphrase"))
                .isInstanceOf(UnknownUserException.class);
        assertThat(users.authenticate("ann@example.com", PASSWORD))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void rolesAreValidatedAndReplaced() {
        User ann = register("ann@example.com");
        assertThat(users.setRoles(ann.id(), Set.of("admin", "user")).roles())
                .containsExactlyInAnyOrder("admin", "user");
        assertThatThrownBy(() -> users.setRoles(ann.id(), Set.of("Admin Role")))
                .isInstanceOf(InvalidUserInputException.class);
        assertThatThrownBy(() -> users.suspend("no-such-id")).isInstanceOf(UnknownUserException.class);
    }

    @Test
    void searchIgnoresCaseAndWidthAndChecksItsPage() {
        User ann = register("Ann@Example.com");
        users.register(new Registration("bob@example.org", PASSWORD, Optional.of("Bob")));

        assertThat(users.search("ANN", 0, 10).users()).containsExactly(ann);
        assertThat(users.search("\uFF21nn", 0, 10).users())
                .as("full-width folds like email keys")
                .containsExactly(ann);
        assertThat(users.search("  ", 0, 10).total()).isEqualTo(2);
        assertThatThrownBy(() -> users.search("a", -1, 10))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> users.search("a", 0, 0)).isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> users.search("a", 0, UserService.MAX_PAGE + 1))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
    }
}
