package io.gatehouse.user;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of users; no rules beyond uniqueness of the email key (the store enforces it with a
 * unique index, so two concurrent registrations cannot both win). Every method either completes or
 * throws {@link UserStoreException} having changed nothing.
 */
public interface UserStore {

    /**
     * Stores a new user with its password hash.
     *
     * @throws EmailTakenException if a user with the same {@link EmailAddress#key(String) email key} exists
     */
    void insert(User user, String passwordHash);

    /** The user whose email has the same {@link EmailAddress#key(String) key} as {@code email}. */
    Optional<Entry> findByEmail(String email);

    /** The user with this id. */
    Optional<Entry> findById(String id);

    /**
     * The users whose email key, lower-cased full name or id contains {@code needle} (already in lower
     * case; empty matches every user), in order of email key, with the number of matches in all.
     * Roles are read for the page's users only.
     *
     * @param offset matching users to skip, at least 0
     * @param limit  page size, at least 1
     */
    UserPage search(String needle, int offset, int limit);

    /**
     * Replaces the hash only if it is still {@code expectedHash} (a rehash at login must not undo a
     * concurrent password change); the password-change instant stays as it is.
     *
     * @return whether it was replaced
     */
    boolean replaceHash(String id, String expectedHash, String newHash);

    /** Sets a new password hash and its change instant; false if there is no such user. */
    boolean setPassword(String id, String newHash, Instant changedAt);

    /**
     * Sets a new password hash only if the password-change instant is still {@code expectedChangedAt}
     * (a reset token dies when the password changed after it was issued).
     *
     * @return whether it was set (false: no such user, or the password changed meanwhile)
     */
    boolean setPasswordIfUnchanged(String id, String newHash, Instant changedAt, Instant expectedChangedAt);

    /** Records that the user's address is verified, once: false if there is no such user or it already was. */
    boolean markEmailVerified(String id, Instant at);

    /** Sets the status; false if there is no such user. */
    boolean setStatus(String id, UserStatus status, Instant at);

    /** Replaces the user's roles; false if there is no such user. */
    boolean setRoles(String id, Set<String> roles, Instant at);

    /**
     * A stored user with its password hash: only {@link UserService} sees the hash.
     *
     * @param user         the user
     * @param passwordHash    the self-describing hash ({@code $argon2id$...})
     * @param emailVerifiedAt when the address was verified, if it was
     */
    record Entry(User user, String passwordHash, Optional<Instant> emailVerifiedAt) {
        public Entry(User user, String passwordHash) {
            this(user, passwordHash, Optional.empty());
        }

        @Override
        public String toString() {
            return "Entry[user=" + user + ", passwordHash=****]";
        }
    }
}
