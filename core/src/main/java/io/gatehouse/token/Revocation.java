package io.gatehouse.token;

import io.gatehouse.error.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * One revocation entry.
 *
 * @param kind   what {@code id} names
 * @param id     the {@code jti}, session id, family id or subject
 * @param at     when it was revoked; for {@link RevocationKind#USER} the "not before" instant
 * @param until  when the entry may be forgotten (no token it affects can still be valid after it)
 * @param reason why, kept with the entry (for example {@code logout}, {@code password-change}, {@code reuse})
 */
public record Revocation(RevocationKind kind, String id, Instant at, Instant until, String reason) {

    /** Longest accepted reason; longer ones are refused rather than cut, so nothing is silently lost. */
    public static final int MAX_REASON_LENGTH = 200;

    public Revocation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reason, "reason");
        requireId(kind, id);
        if (reason.length() > MAX_REASON_LENGTH || reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new InvalidInputException(
                    "a revocation reason must be at most " + MAX_REASON_LENGTH + " characters on one line");
        }
    }

    /** A token by {@code jti}, kept until the token expires. */
    public static Revocation token(String jti, Instant at, Instant expiresAt, String reason) {
        return new Revocation(RevocationKind.TOKEN, jti, at, expiresAt, reason);
    }

    /** A session until {@code until}. */
    public static Revocation session(String sessionId, Instant at, Instant until, String reason) {
        return new Revocation(RevocationKind.SESSION, sessionId, at, until, reason);
    }

    /** A refresh family until {@code until}. */
    public static Revocation family(String familyId, Instant at, Instant until, String reason) {
        return new Revocation(RevocationKind.FAMILY, familyId, at, until, reason);
    }

    /** Every token of {@code subject} issued before {@code notBefore}; kept until {@code until}. */
    public static Revocation user(String subject, Instant notBefore, Instant until, String reason) {
        return new Revocation(RevocationKind.USER, subject, notBefore, until, reason);
    }

    /** Whether {@code id} can be a revocation id (and so a Redis key part): see {@link #requireId}. */
    static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 512) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '{' || c == '}' || c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Ids become parts of Redis keys and stream fields: the same characters as KeySpace allows. */
    static void requireId(RevocationKind kind, String id) {
        if (id == null || id.isEmpty() || id.length() > 512) {
            throw new InvalidInputException(
                    "a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " id must be 1 to 512 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '{' || c == '}' || c <= ' ' || c == 0x7f) {
                throw new InvalidInputException("a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + " id may not contain braces, spaces or control characters");
            }
        }
    }
}
