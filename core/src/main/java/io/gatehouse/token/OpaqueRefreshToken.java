package io.gatehouse.token;

/*
 * The opaque refresh token: "ghr1." + family id + "." + 256 random bits, base64url (71 characters).
 *
 * It carries no claims and no signature: only Gatehouse ever reads a refresh token, and the rotation
 * script authenticates it by the match of its SHA-256 with the hash stored for its family, which is
 * what authenticated a JWT refresh token on the fast path already. So a refresh signs one JWT (the
 * access token), a forgery costs one hash and one script that reads and writes nothing, no resource
 * server can mistake the token for an access token (it is not a JWT), and it leaks nothing.
 * The family id is in the clear because it names the Redis key (and access tokens publish it in `fam`);
 * the prefix tells the format apart from a JWT (which starts with "eyJ"), and its digit from a later one.
 */
final class OpaqueRefreshToken {
    static final String PREFIX = "ghr1.";
    /** 128-bit family ids ({@link TokenCodec#randomId}) are 22 base64url characters; 256-bit secrets 43. */
    private static final int FAMILY_LENGTH = 22;

    private static final int SECRET_LENGTH = 43;
    static final int LENGTH = PREFIX.length() + FAMILY_LENGTH + 1 + SECRET_LENGTH;

    private OpaqueRefreshToken() {}

    /** Whether {@code token} claims to be an opaque refresh token (then it is never read as a JWT). */
    static boolean looksOpaque(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    static String mint(String familyId) {
        byte[] secret = new byte[32];
        Randomness.nextBytes(secret);
        return PREFIX + familyId + "." + TokenCodec.BASE64URL.encodeToString(secret);
    }

    /** The family id of a well-shaped opaque token, or null (wrong length, or a character outside base64url). */
    static String familyOf(String token) {
        if (token.length() != LENGTH || token.charAt(PREFIX.length() + FAMILY_LENGTH) != '.') {
            return null;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            char c = token.charAt(i);
            boolean base64url =
                    c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            if (!base64url && i != PREFIX.length() + FAMILY_LENGTH) {
                return null;
            }
        }
        return token.substring(PREFIX.length(), PREFIX.length() + FAMILY_LENGTH);
    }
}
