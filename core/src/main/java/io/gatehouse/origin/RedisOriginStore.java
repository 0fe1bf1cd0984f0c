package io.gatehouse.origin;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/*
 * One key per user and kind, <prefix>:origin:{<userId>}:d (devices) or :n (networks), a string of
 * "\n<value>|<last-seen millis>" entries, least recently seen first, updated by see.lua: the check, the
 * remembering and the bound are one atomic step, and the key expires after the memory period without a login.
 */
final class RedisOriginStore implements LoginOrigins.Store {
    static final RedisScript SEE = RedisScript.load(RedisOriginStore.class, "see.lua", RedisScript.Reply.INTEGER);

    private final RedisConnector redis;
    private final Clock clock;

    RedisOriginStore(RedisConnector redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public LoginOrigins.Sighting see(
            String userId, LoginOrigins.Kind kind, String value, int capacity, Duration memory) {
        Long reply = redis.eval(
                SEE,
                List.of(redis.keys().key("origin", userId, kind.code)),
                value,
                Long.toString(clock.millis()),
                Integer.toString(capacity),
                Long.toString(memory.toSeconds()));
        return switch (reply.intValue()) {
            case 2 -> LoginOrigins.Sighting.FIRST;
            case 1 -> LoginOrigins.Sighting.NEW;
            default -> LoginOrigins.Sighting.KNOWN;
        };
    }
}
