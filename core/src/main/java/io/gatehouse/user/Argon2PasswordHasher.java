package io.gatehouse.user;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/** Password4j's Argon2id; the parameters of a stored hash are read from the hash itself. */
final class Argon2PasswordHasher implements PasswordHasher {
    private final Argon2Parameters parameters;
    private final Argon2Function function;

    Argon2PasswordHasher(Argon2Parameters parameters) {
        this.parameters = parameters;
        this.function = Argon2Function.getInstance(
                parameters.memoryKib(),
                parameters.iterations(),
                parameters.parallelism(),
                parameters.hashLength(),
                Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
    }

    @Override
    public String hash(String password) {
        return Password.hash(PasswordPolicy.normalize(password))
                .addRandomSalt(parameters.saltLength())
                .with(function)
                .getResult();
    }

    @Override
    public Verification verify(String password, String hash) {
        Argon2Function stored;
        try {
            if (!hash.startsWith("$argon2")) {
                return new Verification(false, false);
            }
            stored = Argon2Function.getInstanceFromHash(hash);
        } catch (RuntimeException e) {
            // A hash we cannot parse verifies nothing; it must not turn a login into a server error.
            return new Verification(false, false);
        }
        boolean matches;
        try {
            matches = stored.check(PasswordPolicy.normalize(password), hash);
        } catch (RuntimeException e) {
            return new Verification(false, false);
        }
        return new Verification(matches, matches && !sameParameters(stored, hash));
    }

    private boolean sameParameters(Argon2Function stored, String hash) {
        return stored.getVariant() == Argon2.ID
                && stored.getVersion() == Argon2Function.ARGON2_VERSION_13
                && stored.getMemory() == parameters.memoryKib()
                && stored.getIterations() == parameters.iterations()
                && stored.getParallelism() == parameters.parallelism()
                && stored.getOutputLength() == parameters.hashLength()
                && saltLength(hash) == parameters.saltLength();
    }

    /** The salt is the fourth '$' field of {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, base64 without padding. */
    private static int saltLength(String hash) {
        String[] parts = hash.split("\\$");
        return parts.length < 6 ? -1 : parts[4].length() * 3 / 4;
    }
}
