package io.gatehouse.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random hex strings for passwords and sentinel ids (URL-safe, no escaping needed). */
final class RandomHex {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomHex() {}

    static String of(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }
}
