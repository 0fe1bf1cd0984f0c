package io.gatehouse.user;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A user as the rest of Gatehouse sees it. The password hash is deliberately not part of it, so a
 * {@code User} can be serialised, cached or logged without any risk of leaking it.
 *
 * @param id                a random UUID, never reused
 * @param email             the address as registered (trimmed, Unicode NFC); uniqueness is decided on
 *                          {@link EmailAddress#key(String)}, so {@code Ann@Example.com} and {@code ann@example.com} are one user
 * @param fullName          the display name, if given
 * @param status            active or suspended
 * @param roles             role names such as {@code user} or {@code admin}
 * @param createdAt         when the user registered
 * @param passwordChangedAt when the password was last set; tokens issued before it are no longer valid
 */
public record User(
        String id,
        String email,
        Optional<String> fullName,
        UserStatus status,
        Set<String> roles,
        Instant createdAt,
        Instant passwordChangedAt) {
    public User {
        roles = Set.copyOf(roles);
    }

    /** Whether the user may log in. */
    public boolean active() {
        return status == UserStatus.ACTIVE;
    }
}
