package io.gatehouse.server.auth;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Parsed introspection form bodies, shared between requests that send the same bytes. A resource server
 * introspects the same access token again and again, with the same body ({@code token=...}, perhaps with a
 * {@code token_type_hint}). Parsing it again each time made a Latin-1 view of the ~700-byte body, a new
 * ~670-character token string, its hash and its full comparison in the verification cache, and a map: work and
 * ~2 KB of allocation per request (the garbage collector's pauses per introspection were twice those per
 * {@code /health/live} request). A body seen before gives back its {@link Form}, whose token string is the
 * verification cache's own key object (hash computed, found by identity).
 *
 * <p>Only the parse is shared: every check of the request (client authentication, the token's verification,
 * revocation, session, rate limit) runs on it as on a new one. A hit needs every byte equal; a slot is chosen by
 * the body's last bytes (a JWT's signature: random), 1,024 slots, each replaced by the next body that maps to it.
 * Only bodies with no other parameters than {@code token} and {@code token_type_hint} are kept, so a client secret
 * sent in the form ({@code client_secret_post}) is never held here. Thread-safe.
 */
final class IntrospectionForms {
    private static final int SLOTS = 1024;
    /** Shorter bodies are parsed as they are: too short to hold a token worth remembering. */
    static final int MIN_LENGTH = 32;

    private static final Set<String> KEPT = Set.of("token", "token_type_hint");

    private record Entry(byte[] body, Form form) {}

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** The form of {@code body}: the one parsed before when the same bytes came before. */
    Form parse(byte[] body) {
        if (body.length < MIN_LENGTH) {
            return Form.parse(body);
        }
        int slot = slot(body);
        Entry e = slots.getAcquire(slot);
        if (e != null && Arrays.equals(e.body(), body)) {
            return e.form();
        }
        Form form = Form.parse(body);
        if (KEPT.containsAll(form.names())) {
            slots.setRelease(slot, new Entry(body, form));
        }
        return form;
    }

    /** A slot from the last eight bytes (the tail of a JWT's signature). */
    private static int slot(byte[] body) {
        long tail = 0;
        for (int i = body.length - 8; i < body.length; i++) {
            tail = (tail << 8) | (body[i] & 0xff);
        }
        tail *= 0x9E3779B97F4A7C15L; // spread the ASCII bits (Fibonacci hashing)
        return (int) (tail >>> 54) & (SLOTS - 1);
    }
}
