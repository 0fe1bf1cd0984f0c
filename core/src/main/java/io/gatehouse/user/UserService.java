package io.gatehouse.user;

import io.gatehouse.error.InvalidInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules about users: registration (email normalisation and uniqueness, password policy), password
 * verification with Argon2id and transparent rehashing, password change, suspension and roles.
 *
 * <p>Timing: a login for an unknown email verifies the password against a dummy hash made with the
 * current parameters, so it costs one Argon2id verification exactly like a wrong password for a known
 * email; the response time does not tell which emails are registered.
 */
public final class UserService {
    /** The role every new user gets. */
    public static final String DEFAULT_ROLE = "user";

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final int MAX_FULL_NAME = 200;
    /** The largest page {@link #search(String, int, int)} returns. */
    public static final int MAX_PAGE = 1000;

    private final UserStore store;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final Clock clock;
    private final String dummyHash;
    private final boolean requireVerifiedEmail;

    private UserService(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.hasher = Objects.requireNonNull(b.hasher, "hasher");
        this.policy = b.policy;
        this.clock = b.clock;
        this.requireVerifiedEmail = b.requireVerifiedEmail;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.dummyHash = hasher.hash(Base64.getEncoder().encodeToString(random));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates an active user with the {@value #DEFAULT_ROLE} role.
     *
     * @throws InvalidUserInputException with every field error (email, password, full_name)
     * @throws EmailTakenException       if the email is registered already, in any case or normal form
     */
    public User register(Registration registration) {
        List<FieldError> errors = new ArrayList<>();
        String email = null;
        try {
            email = EmailAddress.canonical(nullToEmpty(registration.email()));
        } catch (InvalidUserInputException e) {
            errors.addAll(e.errors());
        }
        if (registration.password() == null) {
            errors.add(new FieldError("password", "is required"));
        } else {
            policy.check(registration.password()).ifPresent(m -> errors.add(new FieldError("password", m)));
        }
        Optional<String> fullName = registration.fullName().map(String::strip).filter(s -> !s.isEmpty());
        fullName.ifPresent(n -> {
            if (n.codePointCount(0, n.length()) > MAX_FULL_NAME) {
                errors.add(new FieldError("full_name", "must be at most " + MAX_FULL_NAME + " characters"));
            } else if (n.codePoints().anyMatch(Character::isISOControl)) {
                errors.add(new FieldError("full_name", "must not contain control characters"));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidUserInputException(errors);
        }
        Instant now = now();
        User user = new User(
                UUID.randomUUID().toString(), email, fullName, UserStatus.ACTIVE, Set.of(DEFAULT_ROLE), now, now);
        store.insert(user, hasher.hash(registration.password()));
        return user;
    }

    /**
     * Checks an email and password. Costs one hash verification whether or not the email exists, plus
     * one hash when the stored hash used old parameters and is upgraded.
     */
    public AuthenticationResult authenticate(String email, String password) {
        String candidate = nullToEmpty(password);
        Optional<UserStore.Entry> entry =
                email == null || email.isBlank() ? Optional.empty() : store.findByEmail(email);
        if (entry.isEmpty()) {
            hasher.verify(candidate, dummyHash);
            return new AuthenticationResult.Rejected(AuthenticationResult.Reason.INVALID_CREDENTIALS);
        }
        UserStore.Entry found = entry.get();
        PasswordHasher.Verification v = hasher.verify(candidate, found.passwordHash());
        if (!v.matches()) {
            return new AuthenticationResult.Rejected(AuthenticationResult.Reason.INVALID_CREDENTIALS);
        }
        if (!found.user().active()) {
            return new AuthenticationResult.Rejected(AuthenticationResult.Reason.SUSPENDED);
        }
        if (requireVerifiedEmail && found.emailVerifiedAt().isEmpty()) {
            return new AuthenticationResult.Rejected(AuthenticationResult.Reason.EMAIL_UNVERIFIED);
        }
        if (v.needsRehash()) {
            // Compare-and-set: if the password changed meanwhile, the newer hash wins and this one is dropped.
            store.replaceHash(found.user().id(), found.passwordHash(), hasher.hash(candidate));
        }
        return new AuthenticationResult.Authenticated(found.user());
    }

    /**
     * Replaces the password after checking the current one.
     *
     * @return the change instant: the token service revokes every token of the user issued before it
     * @throws InvalidUserInputException {@code current_password} wrong, or {@code new_password} against the policy
     * @throws UnknownUserException      no such user
     */
    public PasswordChange changePassword(String userId, String currentPassword, String newPassword) {
        UserStore.Entry entry = store.findById(userId).orElseThrow(() -> new UnknownUserException(userId));
        Optional<String> weak = policy.check(nullToEmpty(newPassword));
        if (weak.isPresent()) {
            throw new InvalidUserInputException("new_password", weak.get());
        }
        if (!hasher.verify(nullToEmpty(currentPassword), entry.passwordHash()).matches()) {
            throw new InvalidUserInputException("current_password", "is not correct");
        }
        if (hasher.verify(newPassword, entry.passwordHash()).matches()) {
            throw new InvalidUserInputException("new_password", "must differ from the current password");
        }
        Instant now = now();
        if (!store.setPassword(userId, hasher.hash(newPassword), now)) {
            throw new UnknownUserException(userId);
        }
        User u = entry.user();
        return new PasswordChange(
                new User(u.id(), u.email(), u.fullName(), u.status(), u.roles(), u.createdAt(), now), now);
    }

    /**
     * Sets a new password without the current one (a password reset), only if the password has not changed
     * since {@code expectedChangedAt}: a reset token issued before a password change is dead.
     *
     * @return the change, or empty when there is no such user or the password changed meanwhile
     * @throws InvalidUserInputException {@code new_password} against the policy
     */
    public Optional<PasswordChange> resetPassword(String userId, String newPassword, Instant expectedChangedAt) {
        checkNewPassword(newPassword);
        Optional<UserStore.Entry> entry = store.findById(userId);
        if (entry.isEmpty() || !entry.get().user().passwordChangedAt().equals(expectedChangedAt)) {
            return Optional.empty();
        }
        Instant now = now();
        if (!store.setPasswordIfUnchanged(userId, hasher.hash(newPassword), now, expectedChangedAt)) {
            return Optional.empty();
        }
        User u = entry.get().user();
        return Optional.of(new PasswordChange(
                new User(u.id(), u.email(), u.fullName(), u.status(), u.roles(), u.createdAt(), now), now));
    }

    /**
     * Checks a new password against the policy, before anything is spent on it.
     *
     * @throws InvalidUserInputException {@code new_password} against the policy
     */
    public void checkNewPassword(String newPassword) {
        Optional<String> weak = policy.check(nullToEmpty(newPassword));
        if (weak.isPresent()) {
            throw new InvalidUserInputException("new_password", weak.get());
        }
    }

    /** Whether logins of users with an unverified address are refused ({@code gatehouse.users.require-verified-email}). */
    public boolean requiresVerifiedEmail() {
        return requireVerifiedEmail;
    }

    /** Whether the user's address is verified (false for an unknown user). */
    public boolean emailVerified(String userId) {
        return store.findById(userId).flatMap(UserStore.Entry::emailVerifiedAt).isPresent();
    }

    /** Marks the user's address verified; false if there is no such user or it already was. */
    public boolean markEmailVerified(String userId) {
        return store.markEmailVerified(userId, now());
    }

    /**
     * Suspends a user: logins are refused from now on.
     *
     * @return the instant of the suspension: the token service revokes every token issued before it
     */
    public Instant suspend(String userId) {
        Instant now = now();
        if (!store.setStatus(userId, UserStatus.SUSPENDED, now)) {
            throw new UnknownUserException(userId);
        }
        return now;
    }

    /** Lets a suspended user log in again (tokens revoked at suspension stay revoked). */
    public void reactivate(String userId) {
        if (!store.setStatus(userId, UserStatus.ACTIVE, now())) {
            throw new UnknownUserException(userId);
        }
    }

    /** Replaces a user's roles; names are lower-case letters, digits, '_' and '-' (starting with a letter). */
    public User setRoles(String userId, Set<String> roles) {
        for (String role : roles) {
            if (!ROLE.matcher(role).matches()) {
                throw new InvalidUserInputException(
                        "roles", "role names are 1-64 lower-case letters, digits, '_' or '-', starting with a letter");
            }
        }
        if (!store.setRoles(userId, roles, now())) {
            throw new UnknownUserException(userId);
        }
        return find(userId).orElseThrow(() -> new UnknownUserException(userId));
    }

    /**
     * Finds users for operators and the console: those whose email, full name or id contains
     * {@code query}, ignoring case and width the way {@linkplain EmailAddress#key(String) email keys} do
     * (a blank query lists everyone), ordered by email, one page at a time.
     *
     * @param offset matching users to skip (0 for the first page)
     * @param limit  page size, 1..{@value #MAX_PAGE}
     * @throws InvalidInputException for a negative offset, a limit out of range or a query over 254 characters
     */
    public UserPage search(String query, int offset, int limit) {
        Objects.requireNonNull(query, "query");
        if (offset < 0) {
            throw new InvalidInputException("offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("limit must be 1.." + MAX_PAGE + ", was " + limit);
        }
        if (query.length() > EmailAddress.MAX_LENGTH) {
            throw new InvalidInputException("query must be at most " + EmailAddress.MAX_LENGTH + " characters");
        }
        return store.search(query.isBlank() ? "" : EmailAddress.key(query), offset, limit);
    }

    /** The user whose email has the same {@linkplain EmailAddress#key(String) key} as {@code email}. */
    public Optional<User> findByEmail(String email) {
        return store.findByEmail(email).map(UserStore.Entry::user);
    }

    /** The user with this id. */
    public Optional<User> find(String userId) {
        return store.findById(userId).map(UserStore.Entry::user);
    }

    private Instant now() {
        // Microseconds: what both H2 and PostgreSQL keep, so what we return equals what we read back.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Assembles a {@link UserService}; store and hasher are required. */
    public static final class Builder {
        private UserStore store;
        private PasswordHasher hasher;
        private PasswordPolicy policy = PasswordPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private boolean requireVerifiedEmail;

        private Builder() {}

        /** Refuse logins of users whose address is not verified (default false). */
        public Builder requireVerifiedEmail(boolean require) {
            this.requireVerifiedEmail = require;
            return this;
        }

        public Builder store(UserStore store) {
            this.store = store;
            return this;
        }

        public Builder hasher(PasswordHasher hasher) {
            this.hasher = hasher;
            return this;
        }

        public Builder policy(PasswordPolicy policy) {
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public UserService build() {
            return new UserService(this);
        }
    }
}
