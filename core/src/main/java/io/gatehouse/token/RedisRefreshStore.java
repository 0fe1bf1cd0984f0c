package io.gatehouse.token;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.util.List;

/*
 * Refresh families in Redis, one hash per family, spread over the cluster by family id:
 *
 *   gatehouse:rt:{<family>}        HASH cur (SHA-256 of the current token), prev, rot (ms), reused (ms)
 *                                  expires a refresh lifetime after the last rotation
 *   gatehouse:rt:{<family>}:succ   STRING the successor of prev, sealed; expires with the grace window
 *
 * The successor lives only for the grace window and only sealed with a key derived from the retired
 * token, which Redis never sees: a reader of Redis learns neither token.
 */
final class RedisRefreshStore implements RefreshStore {
    private static final RedisScript OPEN = RedisScript.load(RedisRefreshStore.class, "family-open.lua", RedisScript.Reply.INTEGER);
    private static final RedisScript ROTATE = RedisScript.load(RedisRefreshStore.class, "rotate.lua", RedisScript.Reply.MULTI);

    private final RedisConnector redis;

    RedisRefreshStore(RedisConnector redis) {
        this.redis = redis;
    }

    static List<RedisScript> scripts() {
        return List.of(OPEN, ROTATE);
    }

    @Override
    public void open(String familyId, String tokenHash, long nowMs, long ttlMs) {
        redis.evalDurable(OPEN, List.of(family(familyId)), tokenHash, Long.toString(ttlMs));
    }

    @Override
    public Rotation rotate(String familyId, String presentedHash, String newHash, String sealedSuccessor, long nowMs,
                           long graceMs, long ttlMs, boolean signatureVerified) {
        String key = family(familyId);
        List<Object> reply = redis.evalDurable(ROTATE, List.of(key, key + ":succ"), presentedHash, newHash, sealedSuccessor,
                Long.toString(nowMs), Long.toString(graceMs), Long.toString(ttlMs), signatureVerified ? "1" : "0");
        String verdict = (String) reply.get(0);
        return switch (verdict) {
            case "rotated" -> new Rotation(Outcome.ROTATED, null, false);
            case "grace" -> new Rotation(Outcome.GRACE, (String) reply.get(1), false);
            case "reused" -> new Rotation(Outcome.REUSED, null, "1".equals(reply.get(1)));
            case "unknown" -> new Rotation(Outcome.UNKNOWN, null, false);
            case "unmatched" -> new Rotation(Outcome.UNMATCHED, null, false);
            default -> throw new IllegalStateException("rotate.lua answered " + verdict);
        };
    }

    private String family(String familyId) {
        return redis.keys().key("rt", familyId);
    }
}
