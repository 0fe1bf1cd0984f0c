package io.gatehouse.mfa;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recovery codes: {@value #COUNT} per set, each 10 characters of an unambiguous alphabet (about 49.5 bits) shown as
 * {@code xxxxx-xxxxx}. Only a keyed hash (HMAC-SHA256 with the MFA key, bound to the user) is stored: a copy
 * of the database without the key cannot be searched for codes.
 */
final class RecoveryCodes {
    static final int COUNT = 10;
    // No 0/o, 1/l/i: read aloud or copied by hand without mistakes (31 symbols: about 49.5 bits per code).
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {}

    static List<String> generate() {
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            StringBuilder sb = new StringBuilder(11);
            for (int j = 0; j < 10; j++) {
                if (j == 5) {
                    sb.append('-');
                }
                sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
            codes.add(sb.toString());
        }
        return codes;
    }

    /** As typed, without spaces and dashes, lower case; empty for anything that cannot be a code. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return "";
        }
        String s = typed.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        return s.length() == 10 ? s : "";
    }

    static String hash(byte[] key, String userId, String normalized) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(("recovery-code\0" + userId + "\0").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the JDK", e);
        }
    }
}
