package io.gatehouse.server.auth;

import io.gatehouse.server.http.Json;
import io.gatehouse.token.VerifiedToken;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * Why: a resource server introspects the same access token again and again, and the token service's
 * verification cache then hands back the very same VerifiedToken object. The answer for it is the same
 * bytes every time (claims, issuer and audience only; nothing of the moment), but writing them was the
 * largest introspection-only cost in the JFR profile (the JSON generator, its buffers, the copy out).
 * Only the rendering is remembered: the checks that decide whether the token is active (revocation, the
 * session, the rate limit) run on every request before an answer is looked up here.
 *
 * Direct-mapped by the token object's identity: bounded (SLOTS entries), no lock, no eviction policy; a
 * collision just renders again. Entries are immutable and published with release/acquire: a reader sees a whole entry, possibly an
 * older one.
 */
/** The JSON body of active introspection answers, rendered once per verified token object. */
final class IntrospectionBodies {
    private static final int SLOTS = 1024;

    private record Entry(VerifiedToken token, byte[] body) {}

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** The body of {@code answer}: from the slot of its token when that slot holds the same token object. */
    byte[] body(Introspection answer) {
        if (answer.token().isEmpty()) {
            return Json.objectBytes(answer);
        }
        VerifiedToken token = answer.token().get();
        int slot = System.identityHashCode(token) & (SLOTS - 1);
        Entry e = slots.getAcquire(slot);
        if (e != null && e.token() == token) {
            return e.body();
        }
        byte[] body = Json.objectBytes(answer);
        slots.setRelease(slot, new Entry(token, body));
        return body;
    }
}
