package io.gatehouse.emailtoken;

import java.util.Objects;

/**
 * What a token was issued for, returned once when it is taken.
 *
 * @param userId  the user it was issued to
 * @param binding what must still hold when it is used (the caller compares): the address it was mailed to for a
 *                verification, the password-change instant for a reset, so a reset token dies when the password
 *                changes
 */
public record EmailTokenClaim(String userId, String binding) {
    public EmailTokenClaim {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(binding, "binding");
        if (userId.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a user id has no line break");
        }
    }

    /** The stored form: {@code <userId>\n<binding>}. */
    String encode() {
        return userId + "\n" + binding;
    }

    static EmailTokenClaim decode(String value) {
        int nl = value.indexOf('\n');
        return new EmailTokenClaim(value.substring(0, nl), value.substring(nl + 1));
    }

    @Override
    public String toString() {
        return "EmailTokenClaim[user=" + userId + "]";
    }
}
