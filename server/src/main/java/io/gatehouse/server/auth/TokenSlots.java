package io.gatehouse.server.auth;

import io.gatehouse.token.VerifiedToken;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * Why: a resource server introspects the same access token again and again, and the token service's
 * verification cache then hands back the very same VerifiedToken object. What introspection works out from
 * that object alone (the rendered answer, the session's deadline) is remembered on it here, so the hot path
 * is an identity-hash slot read instead of a cache lookup keyed by strings.
 *
 * Direct-mapped by the token object's identity: bounded (SLOTS entries), no lock, no eviction policy; a
 * collision just computes again. Entries are immutable and published with release/acquire: a reader sees a
 * whole entry, possibly an older one. Holds nothing that outlives the token object's own validity: callers
 * only store values that stay true for that object (see IntrospectionBodies, OAuthService).
 */
/** Values remembered per verified token object, in a fixed number of slots. */
final class TokenSlots<V> {
    private static final int SLOTS = 1024;

    private record Entry<V>(VerifiedToken token, V value) {}

    private final AtomicReferenceArray<Entry<V>> slots = new AtomicReferenceArray<>(SLOTS);

    /** The value stored for this very object ({@code ==}), else null. */
    V get(VerifiedToken token) {
        Entry<V> e = slots.getAcquire(slot(token));
        return e != null && e.token() == token ? e.value() : null;
    }

    /** Remembers {@code value} for {@code token}, replacing whatever its slot held. */
    void put(VerifiedToken token, V value) {
        slots.setRelease(slot(token), new Entry<>(token, value));
    }

    private static int slot(VerifiedToken token) {
        return System.identityHashCode(token) & (SLOTS - 1);
    }
}
