package io.gatehouse.session;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: {@code <22 chars: 128 random bits, base64url>.<user id, base64url>}.
 *
 * <p>The user part routes a lookup to the user's key ({@code {<userId>}} hash tag) without a second
 * index: one key per user holds every session of that user, which is what keeps a session under 300
 * bytes in Redis. The user id is not secret (it is the caller's own id); the random part is the
 * secret, and only it is stored, as the entry's name.
 */
final class SessionIds {
    static final int RANDOM_CHARS = 22;
    static final int MAX_USER_ID_CHARS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {}

    /** 16 random bytes, base64url (22 characters). */
    static String newRandomPart() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    static String compose(String randomPart, String userId) {
        return randomPart + "." + B64.encodeToString(userId.getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a well-formed id; {@link SessionInputException} otherwise (the id is not echoed). */
    static Parsed parse(String sessionId) {
        if (sessionId == null
                || sessionId.length() < RANDOM_CHARS + 2
                || sessionId.length() > 400
                || sessionId.charAt(RANDOM_CHARS) != '.') {
            throw new SessionInputException("not a session id: expected <22 base64url characters>.<user part>");
        }
        String random = sessionId.substring(0, RANDOM_CHARS);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            if (!isBase64Url(random.charAt(i))) {
                throw new SessionInputException("not a session id: the random part is not base64url");
            }
        }
        String userPart = sessionId.substring(RANDOM_CHARS + 1);
        String userId;
        try {
            for (int i = 0; i < userPart.length(); i++) {
                if (!isBase64Url(userPart.charAt(i))) {
                    throw new IllegalArgumentException();
                }
            }
            userId = new String(Base64.getUrlDecoder().decode(userPart), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SessionInputException("not a session id: the user part is not base64url");
        }
        return new Parsed(random, requireUserId(userId));
    }

    /**
     * User ids become hash tags of keys: 1 to 128 characters, no braces, whitespace or control
     * characters, and not the replacement character a bad UTF-8 decoding leaves.
     */
    static String requireUserId(String userId) {
        if (userId == null || userId.isEmpty() || userId.length() > MAX_USER_ID_CHARS) {
            throw new SessionInputException("a user id must be 1 to " + MAX_USER_ID_CHARS + " characters");
        }
        for (int i = 0; i < userId.length(); i++) {
            char c = userId.charAt(i);
            if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c) || c == '\uFFFD') {
                throw new SessionInputException("a user id may not contain braces, whitespace or control characters");
            }
        }
        return userId;
    }

    static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** A parsed session id. */
    record Parsed(String random, String userId) {
        @Override
        public String toString() {
            return "SessionId[user=" + userId + "]";
        }
    }
}
