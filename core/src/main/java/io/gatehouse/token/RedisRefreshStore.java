package io.gatehouse.token;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.util.List;

/*
 * Refresh families in Redis, one hash per family, spread over the cluster by family id:
 *
 *   gatehouse:rt:{<family>}        HASH cur (SHA-256 of the current token), prev, rot (ms), reused (ms),
 *                                  c (FamilyClaims JSON), n and w (the family's rate-limit count and window)
 *                                  expires a refresh lifetime after the last rotation
 *   gatehouse:rt:{<family>}:succ   STRING the successor of prev, sealed; expires with the grace window
 *
 * The successor lives only for the grace window and only sealed with a key derived from the retired
 * token, which Redis never sees: a reader of Redis learns neither token.
 */
final class RedisRefreshStore implements RefreshStore {
    private static final RedisScript OPEN =
            RedisScript.load(RedisRefreshStore.class, "family-open.lua", RedisScript.Reply.INTEGER);
    private static final RedisScript ROTATE =
            RedisScript.load(RedisRefreshStore.class, "rotate.lua", RedisScript.Reply.MULTI);
    private static final RedisScript READ =
            RedisScript.load(RedisRefreshStore.class, "family-read.lua", RedisScript.Reply.MULTI);

    private final RedisConnector redis;

    RedisRefreshStore(RedisConnector redis) {
        this.redis = redis;
    }

    static List<RedisScript> scripts() {
        return List.of(OPEN, ROTATE, READ);
    }

    @Override
    public void open(String familyId, String tokenHash, String claims, long nowMs, long ttlMs) {
        redis.evalDurable(OPEN, List.of(family(familyId)), tokenHash, Long.toString(ttlMs), claims);
    }

    @Override
    public Family read(String familyId, long nowMs) {
        List<Object> reply = redis.eval(READ, List.of(family(familyId)));
        if (reply.isEmpty()) {
            return null;
        }
        String claims = (String) reply.get(2);
        return new Family(
                (String) reply.get(0),
                (String) reply.get(1),
                claims.isEmpty() ? null : claims,
                ((Number) reply.get(3)).longValue());
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
        String key = family(familyId);
        List<Object> reply = redis.evalDurable(
                ROTATE,
                List.of(key, key + ":succ"),
                presentedHash,
                newHash,
                sealedSuccessor,
                Long.toString(nowMs),
                Long.toString(graceMs),
                Long.toString(ttlMs),
                signatureVerified ? "1" : "0",
                claims,
                Integer.toString(limit.limit()),
                Long.toString(limit.windowMs()));
        String verdict = (String) reply.get(0);
        return switch (verdict) {
            case "rotated" -> new Rotation(Outcome.ROTATED, null, false, claimsOf(reply.get(1)), 0);
            case "grace" -> new Rotation(Outcome.GRACE, (String) reply.get(1), false, claimsOf(reply.get(2)), 0);
            case "reused" -> new Rotation(Outcome.REUSED, null, "1".equals(reply.get(1)), claimsOf(reply.get(2)), 0);
            case "limited" -> new Rotation(Outcome.LIMITED, null, false, null, Long.parseLong((String) reply.get(1)));
            case "unknown" -> Rotation.of(Outcome.UNKNOWN);
            case "unmatched" -> Rotation.of(Outcome.UNMATCHED);
            default -> throw new IllegalStateException("rotate.lua answered " + verdict);
        };
    }

    private static String claimsOf(Object stored) {
        String s = (String) stored;
        return s == null || s.isEmpty() ? null : s;
    }

    private String family(String familyId) {
        return redis.keys().key("rt", familyId);
    }
}
