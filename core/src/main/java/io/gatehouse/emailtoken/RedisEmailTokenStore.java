package io.gatehouse.emailtoken;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/*
 * One key per token, <prefix>:et:{<sha256 of the token>}:<purpose>, holding "<userId>\n<binding>" with the
 * token's time to live (PX). Issue is one SET; take is take.lua (GET and DEL in one script, run as a
 * security write with the deployment's durability): of two concurrent takes exactly one gets the value.
 */
final class RedisEmailTokenStore implements EmailTokens.Store {
    static final RedisScript TAKE = RedisScript.load(RedisEmailTokenStore.class, "take.lua", RedisScript.Reply.VALUE);

    private final RedisConnector redis;

    RedisEmailTokenStore(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public void put(EmailTokenPurpose purpose, String hash, String value, Duration ttl) {
        String key = key(purpose, hash);
        redis.sync(c -> c.set(key, value, SetArgs.Builder.px(ttl.toMillis())));
    }

    @Override
    public Optional<String> take(EmailTokenPurpose purpose, String hash) {
        String value = redis.evalDurable(TAKE, List.of(key(purpose, hash)));
        return Optional.ofNullable(value);
    }

    private String key(EmailTokenPurpose purpose, String hash) {
        return redis.keys().key("et", hash, purpose.code());
    }
}
