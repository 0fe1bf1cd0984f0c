package io.gatehouse.user;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.text.Normalizer;
import java.util.Optional;

/**
 * What a new password must satisfy, following NIST SP 800-63B: a minimum length (default 8), a generous
 * maximum (default 256, which bounds the hashing work one request can cause), every printable character
 * allowed including spaces and emoji, and no composition rules ("one digit, one symbol"), which make
 * passwords more predictable, not stronger. Lengths count Unicode code points after NFKC normalisation,
 * the same normalisation applied before hashing, so a password typed on another keyboard still matches.
 *
 * @param minLength {@code gatehouse.password.min-length}, at least 8
 * @param maxLength {@code gatehouse.password.max-length}, at least {@code minLength} and at most 4096
 * @param common    passwords refused as too common ({@link CommonPasswords}, {@code gatehouse.password.common-list})
 */
public record PasswordPolicy(int minLength, int maxLength, CommonPasswords common) {
    public static final String MIN_LENGTH_KEY = "gatehouse.password.min-length";
    public static final String MAX_LENGTH_KEY = "gatehouse.password.max-length";

    public PasswordPolicy {
        if (minLength < 8) {
            throw new IllegalArgumentException("minLength must be at least 8, not " + minLength);
        }
        if (maxLength < minLength || maxLength > 4096) {
            throw new IllegalArgumentException("maxLength must be in [minLength, 4096], not " + maxLength);
        }
    }

    /** 8 to 256 code points, not on the bundled list of common passwords. */
    public static PasswordPolicy defaults() {
        return new PasswordPolicy(8, 256, CommonPasswords.bundled());
    }

    /** The policy configured by {@value #MIN_LENGTH_KEY} and {@value #MAX_LENGTH_KEY}. */
    public static PasswordPolicy fromConfig(GatehouseConfig config) {
        long min = config.number(MIN_LENGTH_KEY, 8);
        long max = config.number(MAX_LENGTH_KEY, 256);
        if (min < 8 || min > 4096) {
            throw new ConfigException(
                    MIN_LENGTH_KEY,
                    MIN_LENGTH_KEY + " = " + min
                            + " is not allowed: a password must be at least 8 characters (NIST SP 800-63B)");
        }
        if (max < min || max > 4096) {
            throw new ConfigException(
                    MAX_LENGTH_KEY,
                    MAX_LENGTH_KEY + " = " + max + " must be between " + MIN_LENGTH_KEY + " (" + min + ") and 4096");
        }
        return new PasswordPolicy((int) min, (int) max, CommonPasswords.fromConfig(config));
    }

    /** The normalised form that is hashed and verified. */
    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    /** Why {@code password} is not acceptable, or empty; never repeats the password. */
    public Optional<String> check(String password) {
        String normalized = normalize(password);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < minLength) {
            return Optional.of("must be at least " + minLength + " characters");
        }
        if (length > maxLength) {
            return Optional.of("must be at most " + maxLength + " characters");
        }
        if (normalized.codePoints().anyMatch(c -> Character.isISOControl(c))) {
            return Optional.of("must not contain control characters");
        }
        if (normalized.isBlank()) {
            return Optional.of("must not be only spaces");
        }
        if (common.contains(password)) {
            return Optional.of("is one of the most common passwords, which attackers try first; choose another");
        }
        return Optional.empty();
    }
}
