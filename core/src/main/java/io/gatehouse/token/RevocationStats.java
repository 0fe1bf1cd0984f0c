package io.gatehouse.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Statistics of the revocation state, as mirrored by this process.
 *
 * @param counts counts of live entries by kind
 * @param oldest the entry revoked longest ago, if any
 * @param newest the entry revoked most recently, if any
 * @param asOf   when the mirror last heard from the authoritative store (for in-memory: now)
 */
public record RevocationStats(
        Map<RevocationKind, Long> counts, Optional<Revocation> oldest, Optional<Revocation> newest, Instant asOf) {

    public RevocationStats {
        counts = Map.copyOf(counts);
    }

    /** Entries of every kind. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
