package io.gatehouse.session;

import io.gatehouse.redis.KeySpace;
import io.gatehouse.redis.RedisConnection;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.redis.RedisScript;
import io.lettuce.core.SetArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * Redis layout (docs/SESSIONS.md has the memory figures behind it):
 *
 *   <prefix>:s:{<userId>}   string: every entry of the user (sessions and trusted devices), separated
 *                           by "\n" (and one in front with entry-format = text); TTL = the latest expiry among them, so a user who never returns
 *                           leaves nothing behind and no global index is needed.
 *   <prefix>:ua:{<hash>}    string: a user-agent text, shared by every session that names its hash.
 *
 * Every operation on a user is one script on that user's key alone, hence slot-safe in Cluster by
 * construction. One key per user instead of one per session plus an index halves the per-session key
 * overhead, which is what the 300-byte budget is made of.
 */
final class RedisSessionBackend implements SessionBackend {
    private static final RedisScript CREATE =
            RedisScript.load(RedisSessionBackend.class, "create.lua", RedisScript.Reply.MULTI);
    private static final RedisScript GET =
            RedisScript.load(RedisSessionBackend.class, "get.lua", RedisScript.Reply.VALUE);
    private static final RedisScript REPLACE =
            RedisScript.load(RedisSessionBackend.class, "replace.lua", RedisScript.Reply.INTEGER);
    private static final RedisScript END =
            RedisScript.load(RedisSessionBackend.class, "end.lua", RedisScript.Reply.MULTI);
    private static final RedisScript TRUST =
            RedisScript.load(RedisSessionBackend.class, "trust.lua", RedisScript.Reply.INTEGER);
    private static final RedisScript PRUNE =
            RedisScript.load(RedisSessionBackend.class, "prune.lua", RedisScript.Reply.MULTI);

    /** Users per cleanup call, and the entries one call examines at most (see {@link #pruneAll}). */
    static final int USERS_PER_CALL = 200;

    static final int ENTRIES_PER_CALL = 2_000;

    private final RedisConnector redis;
    private final KeySpace keys;
    private final int usersPerCall;
    private final int entriesPerCall;
    /**
     * What the scripts put before the first entry of a value they write: nothing (compact), or a newline as
     * versions before the compact format wrote and require (entry-format = text; docs/SESSIONS.md).
     */
    private final String lead;

    RedisSessionBackend(RedisConnector redis) {
        this(redis, EntryFormat.COMPACT);
    }

    RedisSessionBackend(RedisConnector redis, EntryFormat format) {
        this(redis, format, USERS_PER_CALL, ENTRIES_PER_CALL);
    }

    /** With other bounds per cleanup call (tests). */
    RedisSessionBackend(RedisConnector redis, EntryFormat format, int usersPerCall, int entriesPerCall) {
        this.redis = redis;
        this.lead = format == EntryFormat.TEXT ? "\n" : "";
        this.usersPerCall = usersPerCall;
        this.entriesPerCall = entriesPerCall;
        this.keys = redis.keys();
        redis.preload(List.of(CREATE, GET, REPLACE, END, TRUST, PRUNE));
    }

    String userKey(String userId) {
        return keys.key("s", userId);
    }

    @Override
    public Created create(
            String userId, Expiry x, int limit, boolean refuse, int ceiling, String entry, long deadline) {
        long now = x.now();
        List<Object> reply = redis.eval(
                CREATE,
                List.of(userKey(userId)),
                // The first-session write's value and TTL, ready-made (create.lua's header says why).
                lead.isEmpty() ? entry : lead + entry,
                Long.toString(Math.max(1, deadline - now)),
                lead,
                Long.toString(now),
                Long.toString(x.idle()),
                Long.toString(x.absolute()),
                Integer.toString(limit),
                refuse ? "refuse" : "evict",
                Integer.toString(ceiling),
                Long.toString(deadline));
        if (((Long) reply.get(0)) == 0L) {
            return new Created(false, List.of());
        }
        List<String> evicted = new ArrayList<>();
        for (int i = 1; i < reply.size(); i++) {
            evicted.add((String) reply.get(i));
        }
        return new Created(true, evicted);
    }

    @Override
    public Optional<String> get(String userId, String random) {
        return Optional.ofNullable(redis.eval(GET, List.of(userKey(userId)), random));
    }

    @Override
    public boolean replace(String userId, String oldEntry, String newEntry, long now, long deadline) {
        Long done = redis.eval(
                REPLACE, List.of(userKey(userId)), oldEntry, newEntry, Long.toString(Math.max(1, deadline - now)));
        return done == 1L;
    }

    @Override
    public List<String> end(String userId, EndMode mode, String random, Expiry x) {
        // A session end is a security write: durable per gatehouse.redis.sessions.durability.
        List<Object> reply = redis.evalDurable(
                END,
                List.of(userKey(userId)),
                mode.name().toLowerCase(java.util.Locale.ROOT),
                random == null ? "-" : random,
                Long.toString(x.now()),
                Long.toString(x.idle()),
                Long.toString(x.absolute()),
                lead);
        List<String> ids = new ArrayList<>(reply.size());
        reply.forEach(o -> ids.add((String) o));
        return ids;
    }

    @Override
    public boolean trust(String userId, String device, String entry, long now, long deadline) {
        Long existed = redis.eval(
                TRUST, List.of(userKey(userId)), device, entry, Long.toString(Math.max(1, deadline - now)), lead);
        return existed == 1L;
    }

    @Override
    public Pruned prune(String userId, Expiry x, boolean dryRun) {
        List<Object> reply = redis.eval(
                PRUNE,
                List.of(userKey(userId)),
                Long.toString(x.now()),
                Long.toString(x.idle()),
                Long.toString(x.absolute()),
                dryRun ? "dry" : "apply",
                "",
                lead);
        int removed = ((Long) reply.get(0)).intValue();
        String rest = (String) reply.get(1);
        List<String> entries = new ArrayList<>();
        if (rest != null) {
            for (String e : rest.split("\n")) {
                if (!e.isEmpty()) {
                    entries.add(e);
                }
            }
        }
        return new Pruned(removed, entries);
    }

    /**
     * A cleanup batch, nothing awaited here. A pass: {@code prune.lua} over many users per call (at most
     * {@value #USERS_PER_CALL}, of one slot on Cluster; see {@link RedisConnection#evalBatches}), each call
     * stopping after {@value #ENTRIES_PER_CALL} entries so that none runs long; the users it left are sent
     * again. A dry run: a plain {@code GET} per user, counted here by {@link Entries#expiry} exactly as the
     * script decides, so it runs no script and writes nothing.
     */
    @Override
    public CompletableFuture<Integer> pruneAll(List<String> userIds, Expiry x, boolean dryRun) {
        if (!dryRun) {
            List<String> userKeys = new ArrayList<>(userIds.size());
            userIds.forEach(u -> userKeys.add(userKey(u)));
            return pruneKeys(userKeys, new String[] {
                Long.toString(x.now()),
                Long.toString(x.idle()),
                Long.toString(x.absolute()),
                "quiet",
                Integer.toString(entriesPerCall),
                lead
            });
        }
        List<CompletableFuture<String>> reads = new ArrayList<>(userIds.size());
        for (String user : userIds) {
            String key = userKey(user);
            reads.add(redis.async(c -> c.get(key)));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> {
            int expired = 0;
            for (CompletableFuture<String> r : reads) {
                expired += expiredEntries(r.join(), x);
            }
            return expired;
        });
    }

    private CompletableFuture<Integer> pruneKeys(List<String> userKeys, String[] args) {
        return redis.connection()
                .<List<Object>>evalBatches(PRUNE, userKeys, usersPerCall, args)
                .thenCompose(replies -> {
                    int removed = 0;
                    List<String> undone = new ArrayList<>();
                    for (List<Object> reply : replies) {
                        removed += ((Long) reply.get(0)).intValue();
                        for (int i = 2; i < reply.size(); i++) {
                            undone.add((String) reply.get(i));
                        }
                    }
                    int done = removed;
                    return undone.isEmpty()
                            ? CompletableFuture.completedFuture(done)
                            : pruneKeys(undone, args).thenApply(more -> done + more);
                });
    }

    /** How many entries of a user's value have expired (0 for a missing key), as prune.lua counts them. */
    static int expiredEntries(String blob, Expiry x) {
        if (blob == null) {
            return 0;
        }
        int n = 0;
        for (String entry : blob.split("\n")) {
            if (!entry.isEmpty() && Entries.expiry(entry, x) <= x.now()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public CompletableFuture<Void> putUserAgent(String hash, String text, long ttlSeconds) {
        String key = keys.key("ua", hash);
        return redis.async(c -> c.set(key, text, SetArgs.Builder.ex(ttlSeconds)))
                .thenApply(ok -> null);
    }

    @Override
    public Optional<String> userAgent(String hash) {
        String key = keys.key("ua", hash);
        return Optional.ofNullable(redis.sync(c -> c.get(key)));
    }

    /**
     * SCAN over {@code <prefix>:s:*}, on every master of a Cluster one after the other, from a position
     * that can be stored ({@link RedisConnector#scanPage}). Offline tooling only, as the developers' guide
     * requires.
     */
    @Override
    public CompletableFuture<ScanPage> scan(Optional<String> position, int count) {
        return redis.scanPage(keys.prefix() + ":s:{*", position, count).thenApply(page -> {
            List<String> users = new ArrayList<>(page.keys().size());
            for (String key : page.keys()) {
                int open = key.indexOf('{');
                int close = key.lastIndexOf('}');
                if (open > 0 && close > open) {
                    users.add(key.substring(open + 1, close));
                }
            }
            return new ScanPage(users, page.next());
        });
    }

    private String progressKey() {
        return keys.plain("sess-cleanup", "progress");
    }

    @Override
    public Optional<String> cleanupProgress() {
        String key = progressKey();
        return Optional.ofNullable(redis.sync(c -> c.get(key)));
    }

    @Override
    public CompletableFuture<Void> cleanupProgress(Optional<String> progress) {
        String key = progressKey();
        if (progress.isPresent()) {
            String value = progress.get();
            return redis.async(c -> c.set(key, value, SetArgs.Builder.ex(CleanupProgress.KEEP.toSeconds())))
                    .thenApply(ok -> null);
        }
        return redis.async(c -> c.del(key)).thenApply(n -> null);
    }
}
