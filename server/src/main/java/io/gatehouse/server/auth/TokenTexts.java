package io.gatehouse.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The text of a token presented in a form body, shared between requests that present the same bytes. A resource
 * server introspects the same access token again and again; decoding it into a new string on each request made
 * that string's hash (the verification cache's key, ~670 characters), the cache's full comparison against its key
 * and the copy itself per-request work. A string handed out again is the cache's own key object, whose hash is
 * already computed and which the map finds by identity.
 *
 * <p>Only the text is shared: every check of the request runs on it as on a new string. A slot is chosen by the
 * token's last bytes (a JWT's signature, random), and a hit needs every byte equal, so a different token never gets
 * another token's text (equal bytes decode to equal text). 1,024 slots, each replaced by the next token that maps
 * to it. Thread-safe.
 */
final class TokenTexts {
    private static final int SLOTS = 1024;
    /** Shorter values are decoded as they are: too short to be a token worth remembering. */
    static final int MIN_LENGTH = 32;

    private record Entry(byte[] bytes, String text) {}

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** The text of {@code body[from, to)}, which holds no percent-escapes: a remembered string when the bytes match. */
    String text(byte[] body, int from, int to) {
        int length = to - from;
        if (length < MIN_LENGTH) {
            return new String(body, from, length, StandardCharsets.UTF_8);
        }
        int slot = slot(body, to);
        Entry e = slots.getAcquire(slot);
        if (e != null && Arrays.equals(e.bytes(), 0, e.bytes().length, body, from, to)) {
            return e.text();
        }
        String text = new String(body, from, length, StandardCharsets.UTF_8);
        slots.setRelease(slot, new Entry(Arrays.copyOfRange(body, from, to), text));
        return text;
    }

    /** A slot from the last eight bytes (the tail of a JWT's signature); the caller ensures at least that many. */
    private static int slot(byte[] body, int to) {
        long tail = 0;
        for (int i = to - 8; i < to; i++) {
            tail = (tail << 8) | (body[i] & 0xff);
        }
        tail *= 0x9E3779B97F4A7C15L; // spread the ASCII bits (Fibonacci hashing)
        return (int) (tail >>> 54) & (SLOTS - 1);
    }
}
