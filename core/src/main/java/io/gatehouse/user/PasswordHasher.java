package io.gatehouse.user;

/**
 * Turns passwords into self-describing hashes and checks them. The hash string carries its own
 * algorithm parameters, so a hash made with older parameters still verifies and
 * {@link Verification#needsRehash()} says it should be replaced.
 */
public interface PasswordHasher {

    /** Argon2id with these parameters. */
    static PasswordHasher argon2(Argon2Parameters parameters) {
        return new Argon2PasswordHasher(parameters);
    }

    /** A new salted hash of {@code password} with the current parameters. */
    String hash(String password);

    /** Whether {@code password} matches {@code hash}; a malformed hash never matches. */
    Verification verify(String password, String hash);

    /**
     * The outcome of one verification.
     *
     * @param matches     the password is right
     * @param needsRehash the hash was made with other parameters than the current ones (only meaningful
     *                    when it matches: then the caller stores {@link #hash(String)} of the password)
     */
    record Verification(boolean matches, boolean needsRehash) {}
}
