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

    /** Sets the status; false if there is no such user. */
    boolean setStatus(String id, UserStatus status, Instant at);

    /** Replaces the user's roles; false if there is no such user. */
    boolean setRoles(String id, Set<String> roles, Instant at);

    /**
     * A stored user with its password hash: only {@link UserService} sees the hash.
     *
     * @param user         the user
     * @param passwordHash the self-describing hash ({@code $argon2id$...})
     */
    record Entry(User user, String passwordHash) {
        @Override
        public String toString() {
            return "Entry[user=" + user + ", passwordHash=****]";
        }
    }
}
