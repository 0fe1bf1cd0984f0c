package io.gatehouse.ratelimit;

import io.gatehouse.redis.KeySpace;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * GCRA in Redis: one string key per policy and subject, gatehouse:rl:{<subject>}:<policy>, holding the
 * TAT in microseconds with a PX expiry at the moment it drains (so an idle key costs nothing). One
 * EVALSHA decides one limit, or all limits of one subject (one slot) atomically.
 *
 * Limits of different subjects live in different slots (and, in a Cluster, on different nodes), so no
 * script sees them together. decideAll groups the checks by slot and sends one script per group, all
 * pipelined on the shared connection (one round trip), then compensates per CrossSlotMode; see there
 * and docs/RATE-LIMITS.md for the exact guarantee.
 */
final class RedisGcraStore implements GcraStore {
    static final RedisScript GCRA = RedisScript.load(RedisGcraStore.class, "gcra.lua", RedisScript.Reply.MULTI);
    static final RedisScript REFUND = RedisScript.load(RedisGcraStore.class, "refund.lua", RedisScript.Reply.INTEGER);
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RedisConnector redis;
    private final Clock clock;
    private final TimeSource timeSource;
    private final CrossSlotMode crossSlot;

    RedisGcraStore(RedisConnector redis, Clock clock, TimeSource timeSource, CrossSlotMode crossSlot) {
        this.redis = redis;
        this.clock = clock;
        this.timeSource = timeSource;
        this.crossSlot = crossSlot;
    }

    String key(String policy, String subject) {
        return redis.keys().key("rl", subject, policy);
    }

    private String now() {
        if (timeSource == TimeSource.REDIS) {
            return "redis";
        }
        Instant t = clock.instant();
        return Long.toString(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
    }

    @Override
    public Decision decide(Check check, boolean peek) {
        Group g = new Group();
        g.add(0, check, key(check.policy().name(), check.subject()));
        Reply r = await(g.send(peek ? "peek" : "consume"));
        return r.decision(0, r.committed);
    }

    @Override
    public MultiDecision decideAll(List<Check> checks, boolean peek) {
        Map<Integer, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            String key = key(c.policy().name(), c.subject());
            groups.computeIfAbsent(KeySpace.slot(key), s -> new Group()).add(i, c, key);
        }
        List<Group> list = new ArrayList<>(groups.values());
        if (peek) {
            return collect(checks.size(), list, send(list, "peek"), false);
        }
        if (list.size() > 1 && crossSlot == CrossSlotMode.PEEK_FIRST) {
            List<Reply> peeked = send(list, "peek");
            if (!peeked.stream().allMatch(r -> r.allFit)) {
                return collect(checks.size(), list, peeked, false);
            }
        }
        List<Reply> replies = send(list, "consume");
        boolean all = replies.stream().allMatch(r -> r.allFit);
        if (!all) {
            refund(list, replies);
        }
        return collect(checks.size(), list, replies, all);
    }

    private List<Reply> send(List<Group> groups, String mode) {
        List<CompletableFuture<Reply>> futures = new ArrayList<>(groups.size());
        for (Group g : groups) {
            futures.add(g.send(mode));
        }
        List<Reply> replies = new ArrayList<>(groups.size());
        StoreException failure = null;
        for (CompletableFuture<Reply> f : futures) {
            try {
                replies.add(await(f));
            } catch (StoreException e) {
                failure = failure == null ? e : failure;
                replies.add(null);
            }
        }
        if (failure != null) {
            if ("consume".equals(mode)) {
                // Give back what the groups that did answer consumed, as for a refusal.
                refund(groups, replies);
            }
            throw failure;
        }
        return replies;
    }

    private void refund(List<Group> groups, List<Reply> replies) {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        String now = now();
        for (int i = 0; i < groups.size(); i++) {
            Reply r = replies.get(i);
            if (r != null && r.committed) {
                futures.add(groups.get(i).refund(now));
            }
        }
        for (CompletableFuture<Long> f : futures) {
            await(f);
        }
    }

    private static MultiDecision collect(int n, List<Group> groups, List<Reply> replies, boolean committed) {
        Decision[] out = new Decision[n];
        for (int g = 0; g < groups.size(); g++) {
            Reply r = replies.get(g);
            Group group = groups.get(g);
            for (int j = 0; j < group.indexes.size(); j++) {
                out[group.indexes.get(j)] = r.decision(j, committed);
            }
        }
        boolean all = replies.stream().allMatch(r -> r.allFit);
        return new MultiDecision(all, List.of(out));
    }

    @Override
    public void reset(String policy, String subject) {
        String key = key(policy, subject);
        redis.sync(c -> c.del(key));
    }

    private <T> T await(CompletableFuture<T> f) {
        return await(redis, f);
    }

    /**
     * Waits for a pending call at most as long as the call can take (plus a grace, so the call's own, more
     * precise timeout error normally wins), rethrowing its {@link StoreException}.
     */
    static <T> T await(RedisConnector redis, CompletableFuture<T> f) {
        try {
            return redis.await(f, redis.longestCall().toNanos() + GRACE_NANOS, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreUnavailableException(redis.target(), "rate-limit call failed: " + e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreTimeoutException(
                    redis.target(), "Redis " + redis.target() + " did not answer a rate-limit script in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(
                    redis.target(), "interrupted while waiting for Redis " + redis.target());
        }
    }

    /** The checks of one slot. */
    private final class Group {
        final List<Integer> indexes = new ArrayList<>(2);
        final List<Check> checks = new ArrayList<>(2);
        final List<String> keys = new ArrayList<>(2);

        void add(int index, Check check, String key) {
            if (keys.contains(key)) {
                throw new IllegalArgumentException("policy " + check.policy().name() + " for subject " + check.subject()
                        + " appears twice in one decision; give it once with the summed cost");
            }
            indexes.add(index);
            checks.add(check);
            keys.add(key);
        }

        CompletableFuture<Reply> send(String mode) {
            String[] args = new String[2 + 3 * checks.size()];
            args[0] = mode;
            args[1] = now();
            for (int i = 0; i < checks.size(); i++) {
                Limit l = checks.get(i).policy().limit();
                args[2 + 3 * i] = Long.toString(l.emissionIntervalMicros());
                args[3 + 3 * i] = Long.toString(l.burst());
                args[4 + 3 * i] = Long.toString(checks.get(i).cost());
            }
            return redis.<List<Object>>evalAsync(GCRA, keys, args).thenApply(reply -> new Reply(checks, reply));
        }

        CompletableFuture<Long> refund(String now) {
            String[] args = new String[1 + 2 * checks.size()];
            args[0] = now;
            for (int i = 0; i < checks.size(); i++) {
                args[1 + 2 * i] = Long.toString(checks.get(i).policy().limit().emissionIntervalMicros());
                args[2 + 2 * i] = Long.toString(checks.get(i).cost());
            }
            return redis.evalAsync(REFUND, keys, args);
        }
    }

    /** What gcra.lua answered for one group. */
    private static final class Reply {
        final List<Check> checks;
        final long now;
        final boolean allFit;
        final boolean committed;
        final long[] stored;

        Reply(List<Check> checks, List<Object> raw) {
            this.checks = checks;
            this.now = (Long) raw.get(0);
            this.allFit = (Long) raw.get(1) == 1L;
            this.committed = (Long) raw.get(2) == 1L;
            this.stored = new long[checks.size()];
            for (int i = 0; i < stored.length; i++) {
                stored[i] = (Long) raw.get(3 + i);
            }
        }

        Decision decision(int i, boolean wasCommitted) {
            Check c = checks.get(i);
            Limit l = c.policy().limit();
            long interval = l.emissionIntervalMicros();
            boolean fits = Gcra.fits(stored[i], now, interval, l.burst(), c.cost());
            return Gcra.decision(
                    c.policy().name(),
                    stored[i],
                    now,
                    interval,
                    l.burst(),
                    c.cost(),
                    fits,
                    wasCommitted,
                    DecisionSource.REDIS);
        }
    }
}
