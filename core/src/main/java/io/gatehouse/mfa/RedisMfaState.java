package io.gatehouse.mfa;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * MfaState in Redis: a challenge is a hash gatehouse:mfa:{<sha256 of its id>} (context fields plus the attempt
 * counter "#"), the last accepted step of a user is gatehouse:totp:{<user>}:step. Every operation is one script
 * on one key (one round trip, atomic; single-key, so Cluster-safe by construction). Writes are security writes:
 * evalDurable (a step accepted, then lost in a failover, would let the same code in again).
 */
final class RedisMfaState implements MfaState {
    static final RedisScript STEP = RedisScript.load(RedisMfaState.class, "step.lua", RedisScript.Reply.INTEGER);
    static final RedisScript OPEN =
            RedisScript.load(RedisMfaState.class, "challenge-open.lua", RedisScript.Reply.STATUS);
    static final RedisScript ATTEMPT =
            RedisScript.load(RedisMfaState.class, "challenge-attempt.lua", RedisScript.Reply.MULTI);

    private final RedisConnector redis;

    RedisMfaState(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public boolean acceptStep(String userId, long step, long ttlSeconds) {
        Long ok = redis.evalDurable(
                STEP,
                List.of(redis.keys().key("totp", userId, "step")),
                Long.toString(step),
                Long.toString(ttlSeconds));
        return ok != null && ok == 1L;
    }

    @Override
    public void open(String idHash, Map<String, String> context, long ttlMillis) {
        List<String> args = new ArrayList<>(1 + 2 * context.size());
        args.add(Long.toString(ttlMillis));
        context.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        redis.evalDurable(OPEN, List.of(challengeKey(idHash)), args.toArray(String[]::new));
    }

    @Override
    public Optional<Attempt> attempt(String idHash, int maxAttempts) {
        List<Object> reply = redis.evalDurable(ATTEMPT, List.of(challengeKey(idHash)), Integer.toString(maxAttempts));
        if (reply == null || reply.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> context = MfaState.pairs(reply, 1);
        context.remove("#");
        return Optional.of(new Attempt(((Long) reply.get(0)).intValue(), context));
    }

    @Override
    public boolean take(String idHash) {
        Long deleted = redis.sync(c -> c.del(challengeKey(idHash)));
        return deleted != null && deleted == 1L;
    }

    private String challengeKey(String idHash) {
        return redis.keys().key("mfa", idHash);
    }
}
