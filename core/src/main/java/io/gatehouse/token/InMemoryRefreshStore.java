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
        String claims;
        int count;
        long windowStart;
        /** The first 16 hex digits of the four tokens retired before {@code previous}, newest first (rotate.lua's 'old'). */
        final java.util.ArrayDeque<String> older = new java.util.ArrayDeque<>();

        boolean retiredEarlier(String hash) {
            return older.contains(hash.substring(0, Math.min(16, hash.length())));
        }
    }

    private final ConcurrentHashMap<String, Family> families = new ConcurrentHashMap<>();

    @Override
    public void open(String familyId, String tokenHash, String claims, long nowMs, long ttlMs) {
        Family f = new Family();
        f.current = tokenHash;
        f.claims = claims;
        f.expiresAt = nowMs + ttlMs;
        families.put(familyId, f);
        if (families.size() % 1024 == 0) {
            families.values().removeIf(x -> x.expiresAt <= nowMs);
        }
    }

    @Override
    public RefreshStore.Family read(String familyId, long nowMs) {
        Family f = families.get(familyId);
        if (f == null) {
            return null;
        }
        synchronized (f) {
            long ttl = f.expiresAt - nowMs;
            return f.reusedAt >= 0 || ttl <= 0 ? null : new RefreshStore.Family(f.current, f.previous, f.claims, ttl);
        }
    }

    @Override
    public Rotation rotate(
            String familyId,
            String presentedHash,
            String newHash,
            String sealedSuccessor,
            long nowMs,
            long graceMs,
            long ttlMs,
            boolean signatureVerified,
            String claims,
            FamilyLimit limit) {
        Family f = families.get(familyId);
        if (f == null) {
            return Rotation.of(Outcome.UNKNOWN);
        }
        synchronized (f) {
            if (f.expiresAt <= nowMs) {
                families.remove(familyId, f);
                return Rotation.of(Outcome.UNKNOWN);
            }
            if (!signatureVerified
                    && !presentedHash.equals(f.current)
                    && !presentedHash.equals(f.previous)
                    && !f.retiredEarlier(presentedHash)) {
                return Rotation.of(Outcome.UNMATCHED);
            }
            if (f.reusedAt >= 0) {
                return new Rotation(Outcome.REUSED, null, false, f.claims, 0);
            }
            boolean current = presentedHash.equals(f.current);
            boolean retry = !current && presentedHash.equals(f.previous) && nowMs - f.rotatedAt <= graceMs;
            if (limit.limit() > 0 && (current || retry)) {
                if (nowMs - f.windowStart >= limit.windowMs()) {
                    f.windowStart = nowMs;
                    f.count = 0;
                }
                if (f.count >= limit.limit()) {
                    return new Rotation(Outcome.LIMITED, null, false, null, f.windowStart + limit.windowMs() - nowMs);
                }
                f.count++;
            }
            if (current) {
                if (f.previous != null) {
                    f.older.addFirst(f.previous.substring(0, Math.min(16, f.previous.length())));
                    if (f.older.size() > 4) {
                        f.older.removeLast();
                    }
                }
                f.previous = f.current;
                f.current = newHash;
                f.rotatedAt = nowMs;
                f.successor = graceMs > 0 ? sealedSuccessor : null;
                f.successorUntil = nowMs + graceMs;
                f.expiresAt = nowMs + ttlMs;
                if (!claims.isEmpty()) {
                    f.claims = claims;
                }
                return new Rotation(Outcome.ROTATED, null, false, f.claims, 0);
            }
            if (retry && f.successor != null && nowMs <= f.successorUntil) {
                return new Rotation(Outcome.GRACE, f.successor, false, f.claims, 0);
            }
            f.reusedAt = nowMs;
            f.successor = null;
            return new Rotation(Outcome.REUSED, null, true, f.claims, 0);
        }
    }
}
