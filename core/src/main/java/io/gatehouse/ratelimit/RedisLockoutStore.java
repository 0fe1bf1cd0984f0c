package io.gatehouse.ratelimit;

import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * Login-failure counters in Redis: a hash per counter, tagged by the account (account and IP+account
 * counters, decided by one script) or by the IP (per-IP counter): a login failure or check is one
 * EVALSHA per tag that has a dimension switched on, both sent before either is awaited (one round trip).
 *
 * The lockouts in force are listed from an index, a sorted set of "<kind> <tag> <counter>" scored by
 * locked-until (ms; +inf when permanent), so operators' tooling never walks the keyspace. The index
 * cannot be written by lockout.lua: its counters are tagged per account or per address, so no single
 * key shares their Cluster slot. It is written by the same call instead, right after the script reports
 * that it locked a counter (one more round trip, only when a lockout starts: rare by nature), and it is
 * only a list of candidates: a listing checks each member against its counter and epoch exactly as the
 * script does, drops what was lifted or ran out, and removes it from the index. So an administrator's
 * unlock (which bumps an epoch and cannot know the counters) needs no index write, and a lost index
 * write costs only the listing of that one lockout, never its enforcement.
 */
final class RedisLockoutStore implements LockoutStore {
    static final RedisScript LOCKOUT =
            RedisScript.load(RedisLockoutStore.class, "lockout.lua", RedisScript.Reply.MULTI);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisLockoutStore.class);
    /** Index members read per round trip by {@link #locked(int)}. */
    private static final int PAGE = 100;

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
        return pending.thenApply(reply -> parse(reply, n)).thenCompose(state -> index(kind, tag, counters, state));
    }

    /** Adds the counters this call locked to the index; the state is returned whatever the index write did. */
    private CompletableFuture<GroupState> index(String kind, String tag, List<String> counters, GroupState state) {
        List<Object> scoresAndMembers = new ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            if (state.newlyLocked()[i]) {
                scoresAndMembers.add(state.permanent()[i] ? Double.POSITIVE_INFINITY : (double) state.lockedUntil()[i]);
                scoresAndMembers.add(kind + " " + tag + " " + counters.get(i));
            }
        }
        if (scoresAndMembers.isEmpty()) {
            return CompletableFuture.completedFuture(state);
        }
        String index = indexKey();
        return redis.<Long>async(c -> c.zadd(index, scoresAndMembers.toArray())).handle((added, e) -> {
            if (e != null) {
                log.warn(
                        "a lockout in force could not be added to the index (it is enforced, but not listed): {}",
                        e.toString());
            }
            return state;
        });
    }

    private String indexKey() {
        return redis.keys().key("lockindex", "all", "until");
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
        String index = indexKey();
        // Lockouts that ran out leave the index here (and are not listed whatever their counter says).
        redis.sync(c -> c.zremrangebyscore(index, Range.create(Double.NEGATIVE_INFINITY, (double) now)));
        long offset = 0;
        while (out.size() < max) {
            long from = offset;
            List<String> page = redis.sync(c -> c.zrangebyscore(
                    index,
                    Range.from(Range.Boundary.excluding((double) now), Range.Boundary.unbounded()),
                    Limit.create(from, PAGE)));
            List<String> lifted = new ArrayList<>();
            for (String member : page) {
                String[] parts = member.split(" ", 3);
                LockoutStatus status = parts.length == 3
                        ? read(parts[0], parts[1], redis.keys().key(parts[0], parts[1], parts[2]), now)
                        : LockoutStatus.OPEN;
                ActiveLockout l =
                        status.locked() ? CountingLoginGuard.describe(parts[0], parts[1], parts[2], status) : null;
                if (l == null) {
                    lifted.add(member);
                } else if (out.size() < max) {
                    out.add(l);
                }
            }
            if (!lifted.isEmpty()) {
                redis.sync(c -> c.zrem(index, lifted.toArray(new String[0])));
            }
            if (page.size() < PAGE) {
                break;
            }
            offset += page.size() - lifted.size();
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
