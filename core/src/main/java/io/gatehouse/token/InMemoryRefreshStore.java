package io.gatehouse.token;

import java.util.concurrent.ConcurrentHashMap;

/** Refresh families of a single process; the same rules as rotate.lua, atomic per family. */
final class InMemoryRefreshStore implements RefreshStore {

    private static final class Family {
        String current;
        String previous;
        long rotatedAt;
        String successor;
        long successorUntil;
        long reusedAt = -1;
        long expiresAt;
    }

    private final ConcurrentHashMap<String, Family> families = new ConcurrentHashMap<>();

    @Override
    public void open(String familyId, String tokenHash, long nowMs, long ttlMs) {
        Family f = new Family();
        f.current = tokenHash;
        f.expiresAt = nowMs + ttlMs;
        families.put(familyId, f);
        if (families.size() % 1024 == 0) {
            families.values().removeIf(x -> x.expiresAt <= nowMs);
        }
    }

    @Override
    public Rotation rotate(String familyId, String presentedHash, String newHash, String sealedSuccessor, long nowMs,
                           long graceMs, long ttlMs, boolean signatureVerified) {
        Family f = families.get(familyId);
        if (f == null) {
            return new Rotation(Outcome.UNKNOWN, null, false);
        }
        synchronized (f) {
            if (f.expiresAt <= nowMs) {
                families.remove(familyId, f);
                return new Rotation(Outcome.UNKNOWN, null, false);
            }
            if (!signatureVerified && !presentedHash.equals(f.current) && !presentedHash.equals(f.previous)) {
                return new Rotation(Outcome.UNMATCHED, null, false);
            }
            if (f.reusedAt >= 0) {
                return new Rotation(Outcome.REUSED, null, false);
            }
            if (presentedHash.equals(f.current)) {
                f.previous = f.current;
                f.current = newHash;
                f.rotatedAt = nowMs;
                f.successor = graceMs > 0 ? sealedSuccessor : null;
                f.successorUntil = nowMs + graceMs;
                f.expiresAt = nowMs + ttlMs;
                return new Rotation(Outcome.ROTATED, null, false);
            }
            if (presentedHash.equals(f.previous) && nowMs - f.rotatedAt <= graceMs && f.successor != null
                    && nowMs <= f.successorUntil) {
                return new Rotation(Outcome.GRACE, f.successor, false);
            }
            f.reusedAt = nowMs;
            f.successor = null;
            return new Rotation(Outcome.REUSED, null, true);
        }
    }
}
