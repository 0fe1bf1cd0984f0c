package io.gatehouse.mfa;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 with the parameters every authenticator app supports: HMAC-SHA1, 6 digits, 30-second steps. The
 * codes come from java-otp; this class only decides which time steps a code may match.
 */
final class Totp {
    static final Duration STEP = Duration.ofSeconds(30);
    static final int DIGITS = 6;

    private static final TimeBasedOneTimePasswordGenerator GENERATOR =
            new TimeBasedOneTimePasswordGenerator(STEP, DIGITS);

    private Totp() {}

    /** The time step of an instant (RFC 6238 T). */
    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP.toSeconds());
    }

    /** The code of {@code secret} at time step {@code step}. */
    static String code(byte[] secret, long step) {
        try {
            return GENERATOR.generateOneTimePasswordString(
                    new SecretKeySpec(secret, GENERATOR.getAlgorithm()),
                    Instant.ofEpochSecond(step * STEP.toSeconds()));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HMAC key of any length is valid", e);
        }
    }

    /**
     * The time step within {@code window} steps of {@code now} whose code is {@code code} (the latest, should two
     * match), or empty. Every candidate is computed and compared in constant time, so the answer takes the
     * same time whichever step matched.
     */
    static OptionalLong match(byte[] secret, String code, Instant now, int window) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = step(now);
        long found = Long.MIN_VALUE;
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        for (long s = current - window; s <= current + window; s++) {
            if (MessageDigest.isEqual(presented, code(secret, s).getBytes(StandardCharsets.US_ASCII))) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }
}
