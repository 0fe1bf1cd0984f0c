package io.gatehouse.session;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a user's entries live: one text value per user (see {@link RecordCodec} for the format), changed
 * only by the atomic operations below. Redis runs each as one Lua script on the key
 * {@code <prefix>:s:{<userId>}}; the in-memory backend runs the same algorithm ({@link Entries}) under
 * a per-user lock. Times are epoch seconds from the store's clock, passed in, so that Redis and the
 * tests' clock agree.
 */
interface SessionBackend {

    /** The outcome of {@link #create}. */
    record Created(boolean created, List<String> evicted) {}

    /** The outcome of {@link #prune}: how many expired entries went, and the entries left. */
    record Pruned(int removed, List<String> entries) {}

    /** A page of users found by a cleanup scan. */
    record ScanPage(List<String> userIds, Object cursor, boolean finished) {}

    /** What {@link #end} removes. */
    enum EndMode {
        ONE,
        ALL,
        OTHERS
    }

    /**
     * Drops expired entries, applies the limit ({@code limit} 0 = none; at {@code ceiling} the oldest are
     * always evicted), appends {@code entry}. {@code deadline} is the new entry's expiry.
     */
    Created create(String userId, Expiry expiry, int limit, boolean refuse, int ceiling, String entry, long deadline);

    /** The entry whose name is {@code name}, expired or not. */
    Optional<String> get(String userId, String name);

    /** Replaces {@code oldEntry} by {@code newEntry} if it is still there unchanged; extends the key to {@code deadline}. */
    boolean replace(String userId, String oldEntry, String newEntry, long now, long deadline);

    /** Ends sessions; returns the names (handles' first parts) of the live sessions removed (expired ones go silently). */
    List<String> end(String userId, EndMode mode, String name, Expiry expiry);

    /** Sets ({@code entry} non-empty) or removes the trust entry of a device; whether one existed before. */
    boolean trust(String userId, String device, String entry, long now, long deadline);

    /** Removes expired entries and returns the rest. */
    default Pruned prune(String userId, Expiry expiry) {
        return prune(userId, expiry, false);
    }

    /** Removes expired entries and returns the rest; with {@code dryRun} only counts them and changes nothing. */
    Pruned prune(String userId, Expiry expiry, boolean dryRun);

    /** {@link #prune} for each of {@code userIds} (a cleanup batch); returns how many entries went in all. */
    default int pruneAll(List<String> userIds, Expiry expiry, boolean dryRun) {
        int removed = 0;
        for (String user : userIds) {
            removed += prune(user, expiry, dryRun).removed();
        }
        return removed;
    }

    CompletableFuture<Void> putUserAgent(String hash, String text, long ttlSeconds);

    Optional<String> userAgent(String hash);

    /** The next users to clean up, from an opaque cursor ({@code null} to start). Offline tooling only. */
    ScanPage scan(Object cursor, int count);

    /** "Now" and the lifetimes every pruning decision needs. */
    record Expiry(long now, long idle, long absolute) {}
}
