package io.gatehouse.ratelimit;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.KeyValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * Login-failure counters in Redis: a hash per counter, tagged by the account (account and IP+account
 * counters, decided by one script) or by the IP (per-IP counter): a login failure or check is one
 * EVALSHA per tag that has a dimension switched on, both sent before either is awaited (one round trip).
 */
final class RedisLockoutStore implements LockoutStore {
    static final RedisScript LOCKOUT =
            RedisScript.load(RedisLockoutStore.class, "lockout.lua", RedisScript.Reply.MULTI);

    private final RedisConnector redis;
    private final Clock clock;
    private final TimeSource timeSource;

    RedisLockoutStore(RedisConnector redis, Clock clock, TimeSource timeSource) {
        this.redis = redis;
        this.clock = clock;
        this.timeSource = timeSource;
    }

    @Override
    public CompletableFuture<GroupState> apply(
            boolean fail, String kind, String tag, List<String> counters, int[] maxFailures, LockoutPolicy policy) {
        List<String> keys = new ArrayList<>(counters.size() + 1);
        keys.add(redis.keys().key(kind, tag, "epoch"));
        counters.forEach(c -> keys.add(redis.keys().key(kind, tag, c)));
        String[] args = new String[6 + counters.size()];
        args[0] = fail ? "fail" : "check";
        args[1] = timeSource == TimeSource.REDIS ? "redis" : Long.toString(clock.millis());
        args[2] = Long.toString(policy.waitIncrement().toMillis());
        args[3] = Long.toString(policy.maxWait().toMillis());
        args[4] = Long.toString(policy.failureReset().toMillis());
        args[5] = Integer.toString(policy.permanentAfter());
        for (int i = 0; i < counters.size(); i++) {
            args[6 + i] = Integer.toString(maxFailures[i]);
        }
        int n = counters.size();
        // Only a recorded failure is a security write (durable per gatehouse.redis.rate-limits.durability).
        CompletableFuture<List<Object>> pending =
                fail ? redis.evalDurableAsync(LOCKOUT, keys, args) : redis.evalAsync(LOCKOUT, keys, args);
        return pending.thenApply(reply -> parse(reply, n));
    }

    @Override
    public GroupState await(CompletableFuture<GroupState> pending) {
        return RedisGcraStore.await(redis, pending);
    }

    private static GroupState parse(List<Object> reply, int n) {
        GroupState s = new GroupState((Long) reply.get(0), new long[n], new boolean[n], new boolean[n]);
        for (int i = 0; i < n; i++) {
            s.lockedUntil()[i] = (Long) reply.get(1 + 3 * i);
            s.permanent()[i] = (Long) reply.get(2 + 3 * i) == 1L;
            s.newlyLocked()[i] = (Long) reply.get(3 + 3 * i) == 1L;
        }
        return s;
    }

    @Override
    public void clear(String kind, String tag, List<String> counters) {
        String[] keys =
                counters.stream().map(c -> redis.keys().key(kind, tag, c)).toArray(String[]::new);
        redis.sync(c -> c.del(keys));
    }

    @Override
    public List<ActiveLockout> locked(int max) {
        List<ActiveLockout> out = new ArrayList<>();
        long now = timeSource == TimeSource.REDIS ? redisMillis() : clock.millis();
        for (String kind : List.of("lock", "lockip")) {
            String prefix = redis.keys().prefix() + ":" + kind + ":{";
            redis.scan(prefix + "*", keys -> {
                for (String key : keys) {
                    int close = key.indexOf("}:", prefix.length());
                    if (close < 0 || key.endsWith("}:epoch") || out.size() >= max) {
                        continue;
                    }
                    String tag = key.substring(prefix.length(), close);
                    String counter = key.substring(close + 2);
                    LockoutStatus status = read(kind, tag, key, now);
                    ActiveLockout l = status.locked() ? CountingLoginGuard.describe(kind, tag, counter, status) : null;
                    if (l != null) {
                        out.add(l);
                    }
                }
                return out.size() < max;
            });
        }
        return out;
    }

    /** A counter's status, honouring the tag's epoch exactly as lockout.lua does. */
    private LockoutStatus read(String kind, String tag, String key, long now) {
        String epochKey = redis.keys().key(kind, tag, "epoch");
        List<KeyValue<String, String>> h = redis.sync(c -> c.hmget(key, "u", "p", "e"));
        String epoch = redis.sync(c -> c.get(epochKey));
        String e = h.get(2).getValueOrElse(null);
        if (e == null || !e.equals(epoch == null ? "0" : epoch)) {
            return LockoutStatus.OPEN;
        }
        long until = Long.parseLong(h.get(0).getValueOrElse("0"));
        return LockoutStatus.of(until, "1".equals(h.get(1).getValueOrElse("0")), now);
    }

    private long redisMillis() {
        List<String> t = redis.sync(c -> c.time());
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    @Override
    public void unlock(String kind, String tag) {
        // The epoch key has no expiry on purpose: were it to vanish, counters of an older epoch (a
        // permanent lockout) would become valid again.
        String epoch = redis.keys().key(kind, tag, "epoch");
        redis.sync(c -> c.incr(epoch));
    }
}
