package io.gatehouse.session;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids and session handles.
 *
 * <p>A session id is {@code <22 chars: 128 random bits, base64url>.<user id, base64url>}: the bearer
 * secret, handed to the client once (cookie) and never stored, logged or published. A handle is
 * {@code <16 chars: 96-bit keyed hash of the random part>.<user id, base64url>}: the public name of the
 * session, used in tokens ({@code sid}), events, logs, URLs and listings, and the name of its stored
 * entry. The hash is keyed with the MAC key ({@link RecordCodec#handleName}), so a handle (or a read of
 * Redis) cannot be turned back into an id, not even by guessing offline; the two lengths differ, so one
 * is never accepted where the other is expected.
 *
 * <p>The user part routes a lookup to the user's key ({@code {<userId>}} hash tag) without a second
 * index: one key per user holds every session of that user, which is what keeps a session near 200
 * bytes in Redis. The user id is not secret (it is the caller's own id).
 */
final class SessionIds {
    static final int RANDOM_CHARS = 22;
    static final int HANDLE_CHARS = 16;
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

    /** A session id, or a handle when {@code part} is a handle name: the part, a dot, the user id in base64url. */
    static String compose(String part, String userId) {
        return part + "." + B64.encodeToString(userId.getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a well-formed session id; {@link SessionInputException} otherwise (the id is not echoed). */
    static Parsed parse(String sessionId) {
        return parse(sessionId, RANDOM_CHARS, "session id");
    }

    /** The parts of a well-formed session handle; {@link SessionInputException} otherwise. */
    static Parsed parseHandle(String handle) {
        return parse(handle, HANDLE_CHARS, "session handle");
    }

    private static Parsed parse(String text, int partChars, String what) {
        if (text == null || text.length() < partChars + 2 || text.length() > 400 || text.charAt(partChars) != '.') {
            throw new SessionInputException(
                    "not a " + what + ": expected <" + partChars + " base64url characters>.<user part>");
        }
        String part = text.substring(0, partChars);
        for (int i = 0; i < partChars; i++) {
            if (!isBase64Url(part.charAt(i))) {
                throw new SessionInputException("not a " + what + ": the first part is not base64url");
            }
        }
        String userPart = text.substring(partChars + 1);
        String userId;
        try {
            for (int i = 0; i < userPart.length(); i++) {
                if (!isBase64Url(userPart.charAt(i))) {
                    throw new IllegalArgumentException();
                }
            }
            userId = new String(Base64.getUrlDecoder().decode(userPart), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SessionInputException("not a " + what + ": the user part is not base64url");
        }
        return new Parsed(part, requireUserId(userId));
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

    /** A parsed session id (its random part) or handle (its entry name). */
    record Parsed(String part, String userId) {
        @Override
        public String toString() {
            return "SessionId[user=" + userId + "]";
        }
    }
}
