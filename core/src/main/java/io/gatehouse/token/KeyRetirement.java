package io.gatehouse.token;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link TokenService#retireKey} did with a signing key.
 *
 * @param kid          the key asked for
 * @param outcome      retired, or why not
 * @param lastExpiry   for a key that no longer signs: when the last token it can have signed expires
 *                     (its successor's creation + the key reload interval + the longest token lifetime);
 *                     empty for an unknown or the active key
 */
public record KeyRetirement(String kid, Outcome outcome, Optional<Instant> lastExpiry) {
    /** The result of a retirement. */
    public enum Outcome {
        /** Removed from the key store and the JWKS: tokens it signed are refused (see {@link TokenService#retireKey}). */
        RETIRED,
        /** No key has this kid. */
        UNKNOWN,
        /** It is the key that signs new tokens: rotate first. */
        ACTIVE,
        /** Tokens it signed may still be valid until {@link #lastExpiry()}, and {@code force} was not given. */
        TOKENS_MAY_BE_VALID
    }
}
