package io.gatehouse.token;

import io.gatehouse.redis.RedisConnection;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/*
 * The revocation log in Redis.
 *
 *   gatehouse:rev:{log}:stream            Stream of changes: k (kind), i (id), a (at ms), u (until ms), r (reason)
 *   gatehouse:rev:{log}:<kind>            ZSET id -> until (ms), to find expired entries
 *   gatehouse:rev:{log}:<kind>:info       HASH id -> "until|at|reason", the authoritative entries
 *   gatehouse:rev:{log}:trimmed           STRING the highest stream id ever trimmed (exact gap detection)
 *   kinds: token, session, family, user
 *
 * Everything is under one hash tag, {log}, because revoke.lua writes the index and the stream together
 * (the only way to make them impossible to diverge) and a script's keys must share a slot on Cluster.
 * One slot means one master takes every revocation write; that is fine because revocations are rare
 * next to checks, and checks never touch Redis. One stream is also what makes "resume from the last
 * id" exact: a single ordered history.
 *
 * A full resync reads the info hashes with HSCAN (an index walk, guaranteed to return every field that
 * exists for the whole scan; fields written meanwhile are covered by the stream after the snapshot's
 * position). It never runs on a request path.
 */
final class RedisRevocationLog implements RevocationLog {
    private static final RedisScript REVOKE =
            RedisScript.load(RedisRevocationLog.class, "revoke.lua", RedisScript.Reply.MULTI);
    private static final RedisScript STREAM_STATE =
            RedisScript.load(RedisRevocationLog.class, "stream-state.lua", RedisScript.Reply.MULTI);
    private static final int CLEANUP_PER_CALL = 100;
    /**
     * Stream entries one revoke.lua call may trim. Finding the exact cut reads the entries (the cost: about
     * 0.25 ms per call here at 100, 2-3 ms at 1,000; docs/bench/tokens.md), where one unbounded trim of a
     * 100,000-entry backlog took 2-68 ms by age and 0.6-3.7 s by length.
     */
    static final int TRIM_PER_CALL = 100;
    /** Calls one {@link #cleanup} makes at most: a backlog of a million entries is gone within one cleanup. */
    private static final int CLEANUP_CALLS = 10_000;

    private static final int READ_COUNT = 1000;

    private final RedisConnector redis;
    private final long maxLength;
    private final long retentionMs;
    private final int trimPerCall;
    private final String stream;
    private final String trimmed;
    private final List<String> keys;
    private final Map<RevocationKind, String> info = new EnumMap<>(RevocationKind.class);

    RedisRevocationLog(RedisConnector redis, long maxLength, Duration retention) {
        this(redis, maxLength, retention, TRIM_PER_CALL);
    }

    /** With another trim bound (tests: a small one shows the catching up without a huge backlog). */
    RedisRevocationLog(RedisConnector redis, long maxLength, Duration retention, int trimPerCall) {
        if (trimPerCall < 1) {
            throw new IllegalArgumentException("the trim bound must be at least 1");
        }
        this.redis = redis;
        this.maxLength = maxLength;
        this.retentionMs = retention.toMillis();
        this.trimPerCall = trimPerCall;
        this.stream = redis.keys().key("rev", "log", "stream");
        List<String> k = new ArrayList<>();
        k.add(stream);
        for (RevocationKind kind : RevocationKind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            k.add(redis.keys().key("rev", "log", name));
            k.add(redis.keys().key("rev", "log", name, "info"));
            info.put(kind, redis.keys().key("rev", "log", name, "info"));
        }
        this.trimmed = redis.keys().key("rev", "log", "trimmed");
        k.add(trimmed);
        this.keys = List.copyOf(k);
    }

    static List<RedisScript> scripts() {
        return List.of(REVOKE, STREAM_STATE);
    }

    @Override
    public void append(List<Revocation> entries, long nowMs) {
        run(entries, nowMs);
    }

    /**
     * Calls revoke.lua with nothing to add until it reports nothing left to drop or trim: each call is
     * bounded (a few hundred index entries, {@link #TRIM_PER_CALL} stream entries), and other clients'
     * commands run between the calls, so a backlog is caught up without one long call.
     */
    @Override
    public void cleanup(long nowMs) {
        for (int i = 0; i < CLEANUP_CALLS; i++) {
            if (!cleanupStep(nowMs)) {
                return;
            }
        }
    }

    /** One bounded cleanup call; whether work is left for another. */
    boolean cleanupStep(long nowMs) {
        return run(List.of(), nowMs);
    }

    /** Whether the call left expired index entries or stream entries due for trimming (revoke.lua's "more"). */
    private boolean run(List<Revocation> entries, long nowMs) {
        String[] args = new String[5 + entries.size() * 5];
        args[0] = Long.toString(nowMs);
        args[1] = Long.toString(maxLength);
        args[2] = Long.toString(retentionMs);
        args[3] = Integer.toString(CLEANUP_PER_CALL);
        args[4] = Integer.toString(trimPerCall);
        int i = 5;
        for (Revocation r : entries) {
            args[i++] = String.valueOf(r.kind().code());
            args[i++] = r.id();
            args[i++] = Long.toString(r.at().toEpochMilli());
            args[i++] = Long.toString(r.until().toEpochMilli());
            args[i++] = r.reason();
        }
        List<Object> reply;
        if (entries.isEmpty()) {
            reply = redis.eval(REVOKE, keys, args);
        } else {
            // Revocations are security writes: durable per gatehouse.redis.tokens.durability.
            reply = redis.evalDurable(REVOKE, keys, args);
        }
        return Long.valueOf(1L).equals(reply.get(0));
    }

    @Override
    public Snapshot snapshot(long nowMs) {
        List<Object> state = redis.eval(STREAM_STATE, List.of(stream, trimmed), START);
        String position = (String) state.get(1);
        List<Revocation> all = new ArrayList<>();
        for (RevocationKind kind : RevocationKind.values()) {
            String key = info.get(kind);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                ScanCursor from = cursor;
                MapScanCursor<String, String> page = redis.sync(c -> c.hscan(key, from, ScanArgs.Builder.limit(1000)));
                page.getMap().forEach((id, value) -> {
                    Revocation r = parseInfo(kind, id, value);
                    if (r != null && r.until().toEpochMilli() >= nowMs) {
                        all.add(r);
                    }
                });
                cursor = page;
            } while (!cursor.isFinished());
        }
        return new Snapshot(position, all);
    }

    @Override
    public Feed openFeed() {
        return new RedisFeed(redis.openDedicated());
    }

    private final class RedisFeed implements Feed {
        private final RedisConnection connection;

        RedisFeed(RedisConnection connection) {
            this.connection = connection;
        }

        @Override
        public List<Positioned> read(String position, Duration maxWait) {
            List<StreamMessage<String, String>> messages = connection.syncBlocking(
                    maxWait,
                    c -> c.xread(
                            XReadArgs.Builder.block(maxWait.toMillis()).count(READ_COUNT),
                            XReadArgs.StreamOffset.from(stream, position)));
            if (messages == null || messages.isEmpty()) {
                return List.of();
            }
            List<Positioned> out = new ArrayList<>(messages.size());
            for (StreamMessage<String, String> m : messages) {
                Revocation r = parseEntry(m.getBody());
                if (r != null) {
                    out.add(new Positioned(m.getId(), r));
                }
            }
            if (out.isEmpty()) {
                // Only unreadable entries: still move past them.
                out.add(new Positioned(messages.get(messages.size() - 1).getId(), null));
            }
            return out;
        }

        @Override
        public boolean hasGap(String position) {
            List<Object> state = connection.eval(STREAM_STATE, List.of(stream, trimmed), position);
            return ((Long) state.get(0)) == 1L;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    private static Revocation parseEntry(Map<String, String> body) {
        try {
            String k = body.get("k");
            return new Revocation(
                    RevocationKind.ofCode(k.charAt(0)),
                    body.get("i"),
                    Instant.ofEpochMilli(Long.parseLong(body.get("a"))),
                    Instant.ofEpochMilli(Long.parseLong(body.get("u"))),
                    body.getOrDefault("r", ""));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Revocation parseInfo(RevocationKind kind, String id, String value) {
        try {
            int a = value.indexOf('|');
            int b = value.indexOf('|', a + 1);
            return new Revocation(
                    kind,
                    id,
                    Instant.ofEpochMilli(Long.parseLong(value.substring(a + 1, b))),
                    Instant.ofEpochMilli(Long.parseLong(value.substring(0, a))),
                    value.substring(b + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
