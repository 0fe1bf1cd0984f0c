package io.gatehouse.token;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * The key set in Redis: a hash kid -> record and a string holding the active kid, both under the
 * hash tag {keys} so the rotation script may touch both on Cluster.
 *
 * The records contain private keys (sealed only if gatehouse.tokens.keys.encryption-key is set), so
 * read access to these keys is signing ability: restrict the Redis ACL accordingly (docs/TOKENS.md).
 */
final class RedisKeyStore implements KeyStore {
    private static final RedisScript ROTATE =
            RedisScript.load(RedisKeyStore.class, "keys-rotate.lua", RedisScript.Reply.VALUE);

    private final RedisConnector redis;
    private final String set;
    private final String active;

    RedisKeyStore(RedisConnector redis) {
        this.redis = redis;
        this.set = redis.keys().key("tok", "keys", "set");
        this.active = redis.keys().key("tok", "keys", "active");
    }

    @Override
    public Snapshot load() {
        // The active kid first, then the records: keys-rotate.lua writes the record before naming it
        // active, so any kid read here is in the records read after it.
        String kid = redis.sync(c -> c.get(active));
        Map<String, String> records = redis.sync(c -> c.hgetall(set));
        return new Snapshot(records, Optional.ofNullable(kid));
    }

    @Override
    public String rotate(Optional<String> expectedActive, String kid, String record) {
        String winner = redis.eval(ROTATE, List.of(set, active), expectedActive.orElse("-"), kid, record);
        return "-".equals(winner) ? null : winner;
    }

    @Override
    public void remove(Collection<String> kids) {
        if (!kids.isEmpty()) {
            String[] fields = kids.toArray(new String[0]);
            redis.sync(c -> c.hdel(set, fields));
        }
    }

    @Override
    public String describe() {
        return "redis " + redis.target() + " " + set;
    }
}
