package io.gatehouse.token;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/*
 * This process's copy of the revocation state: one ConcurrentHashMap per kind (jti, session, family,
 * user), id -> (at, until, reason).
 *
 * A check is at most four hash lookups on the request thread, no lock, no allocation: that is the
 * whole point (a Redis EXISTS costs a network round trip, tens of microseconds). Entries are merged,
 * never replaced, so applying one twice, or out of order with its own echo from the stream, gives the
 * same state: until is the latest; for users "at" (the not-before instant) is the latest, for the
 * others the first revocation.
 *
 * A full resync swaps in maps built from the authoritative index; revocations this process writes
 * while a resync is running are remembered and applied again after the swap, so a local write is never
 * invisible locally, not even for the round trip until its echo arrives.
 */
final class LocalRevocationState {

    /** One entry; times in epoch milliseconds. */
    record Entry(long at, long until, String reason) {}

    private static final class Maps {
        final Map<RevocationKind, ConcurrentHashMap<String, Entry>> byKind = new EnumMap<>(RevocationKind.class);
        final ConcurrentHashMap<String, Entry> tokens = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Entry> families = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Entry> users = new ConcurrentHashMap<>();

        Maps() {
            byKind.put(RevocationKind.TOKEN, tokens);
            byKind.put(RevocationKind.SESSION, sessions);
            byKind.put(RevocationKind.FAMILY, families);
            byKind.put(RevocationKind.USER, users);
        }
    }

    private volatile Maps maps = new Maps();
    private final Object resyncLock = new Object();
    private List<Revocation> writtenDuringResync;

    /** The status from the maps alone (staleness is the link's business). */
    RevocationStatus check(String jti, String sessionId, String familyId, String subject, long issuedAtMillis) {
        Maps m = maps;
        if (m.tokens.containsKey(jti)) {
            return RevocationStatus.REVOKED_TOKEN;
        }
        if (m.sessions.containsKey(sessionId)) {
            return RevocationStatus.REVOKED_SESSION;
        }
        if (m.families.containsKey(familyId)) {
            return RevocationStatus.REVOKED_FAMILY;
        }
        Entry user = m.users.get(subject);
        // Issue times have milliseconds (iat_ms); a token of the revocation's own millisecond may predate it,
        // so it is revoked too. Tokens from before iat_ms carry whole seconds and are compared from the
        // start of their second, as they always were.
        if (user != null && issuedAtMillis <= user.at()) {
            return RevocationStatus.REVOKED_USER;
        }
        return RevocationStatus.VALID;
    }

    /** The user's not-before in epoch milliseconds, or {@link Long#MIN_VALUE} + 1 when there is none. */
    long userNotBefore(String subject) {
        Entry user = maps.users.get(subject);
        return user == null ? Long.MIN_VALUE + 1 : user.at();
    }

    /** Applies an entry from the stream (or a resync). */
    void apply(Revocation r) {
        maps.byKind.get(r.kind()).merge(r.id(), entryOf(r), (a, b) -> merge(r.kind(), a, b));
    }

    /** Applies an entry this process wrote, keeping it across a concurrent resync. */
    void applyLocal(Revocation r) {
        synchronized (resyncLock) {
            if (writtenDuringResync != null) {
                writtenDuringResync.add(r);
            }
        }
        apply(r);
    }

    void beginResync() {
        synchronized (resyncLock) {
            writtenDuringResync = new ArrayList<>();
        }
    }

    /** A resync that failed: the current state stays. */
    void abortResync() {
        synchronized (resyncLock) {
            writtenDuringResync = null;
        }
    }

    /** Replaces the state with the authoritative entries plus what this process wrote meanwhile. */
    void finishResync(Collection<Revocation> authoritative) {
        Maps fresh = new Maps();
        for (Revocation r : authoritative) {
            fresh.byKind.get(r.kind()).merge(r.id(), entryOf(r), (a, b) -> merge(r.kind(), a, b));
        }
        synchronized (resyncLock) {
            maps = fresh;
            if (writtenDuringResync != null) {
                writtenDuringResync.forEach(this::apply);
            }
            writtenDuringResync = null;
        }
    }

    /** Forgets entries whose {@code until} has passed: no token they affect can still be valid. */
    int sweep(long nowMs) {
        int removed = 0;
        for (ConcurrentHashMap<String, Entry> m : maps.byKind.values()) {
            var it = m.entrySet().iterator();
            while (it.hasNext()) {
                if (it.next().getValue().until() < nowMs) {
                    it.remove();
                    removed++;
                }
            }
        }
        return removed;
    }

    Optional<Revocation> find(RevocationKind kind, String id) {
        Entry e = maps.byKind.get(kind).get(id);
        return e == null ? Optional.empty() : Optional.of(revocationOf(kind, id, e));
    }

    RevocationStats stats(Instant asOf) {
        Map<RevocationKind, Long> counts = new EnumMap<>(RevocationKind.class);
        Revocation oldest = null;
        Revocation newest = null;
        for (var kind : maps.byKind.entrySet()) {
            counts.put(kind.getKey(), (long) kind.getValue().size());
            for (var e : kind.getValue().entrySet()) {
                long at = e.getValue().at();
                if (oldest == null || at < oldest.at().toEpochMilli()) {
                    oldest = revocationOf(kind.getKey(), e.getKey(), e.getValue());
                }
                if (newest == null || at > newest.at().toEpochMilli()) {
                    newest = revocationOf(kind.getKey(), e.getKey(), e.getValue());
                }
            }
        }
        return new RevocationStats(counts, Optional.ofNullable(oldest), Optional.ofNullable(newest), asOf);
    }

    int size() {
        int n = 0;
        for (ConcurrentHashMap<String, Entry> m : maps.byKind.values()) {
            n += m.size();
        }
        return n;
    }

    static Entry entryOf(Revocation r) {
        return new Entry(r.at().toEpochMilli(), r.until().toEpochMilli(), r.reason());
    }

    /** The merge rule shared with revoke.lua. */
    static Entry merge(RevocationKind kind, Entry a, Entry b) {
        long until = Math.max(a.until(), b.until());
        Entry winner = kind == RevocationKind.USER ? (b.at() > a.at() ? b : a) : (b.at() < a.at() ? b : a);
        return new Entry(winner.at(), until, winner.reason());
    }

    static Revocation revocationOf(RevocationKind kind, String id, Entry e) {
        return new Revocation(kind, id, Instant.ofEpochMilli(e.at()), Instant.ofEpochMilli(e.until()), e.reason());
    }
}
