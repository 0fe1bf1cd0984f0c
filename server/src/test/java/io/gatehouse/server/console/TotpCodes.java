package io.gatehouse.server.console;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * An authenticator app for tests: the codes of one TOTP key, each of a later time step than the last one used (never a
 * replay), so no test waits for the clock (the server's drift window must cover the steps used ahead of now).
 */
final class TotpCodes {
    private final byte[] secret;
    private final Clock clock;
    private final List<String> seen;
    private long lastStep;

    /**
     * @param base32 the key as enrolment shows it
     * @param seen   where every code made is added (the log scans look for them)
     */
    TotpCodes(String base32, Clock clock, List<String> seen) {
        this.secret = new Base32().decode(base32);
        this.clock = clock;
        this.seen = seen;
        this.lastStep = step(clock.instant()) - 1;
    }

    /** A code of a later time step than any used so far, within the window. */
    String next() {
        lastStep = Math.max(lastStep + 1, step(clock.instant()));
        return at(lastStep);
    }

    /** The next code without using it up (for a request that must be refused before the code is checked). */
    String peek() {
        return at(Math.max(lastStep + 1, step(clock.instant())));
    }

    /** A code that is wrong now: that of a step far ahead ({@code n} tells several apart). */
    String wrong(int n) {
        return at(lastStep + 100 + n);
    }

    private String at(long step) {
        try {
            TimeBasedOneTimePasswordGenerator g = new TimeBasedOneTimePasswordGenerator();
            String c = g.generateOneTimePasswordString(
                    new SecretKeySpec(secret, g.getAlgorithm()), Instant.ofEpochSecond(step * 30));
            seen.add(c);
            return c;
        } catch (java.security.InvalidKeyException e) {
            throw new AssertionError(e);
        }
    }

    private static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 30);
    }
}
