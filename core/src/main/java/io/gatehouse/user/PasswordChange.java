package io.gatehouse.user;

import java.time.Instant;

/**
 * A completed password change, with what the token service needs to revoke the user's tokens.
 *
 * @param user      the user after the change
 * @param changedAt every token of the user issued before this instant must stop working (its not-before)
 */
public record PasswordChange(User user, Instant changedAt) {}
