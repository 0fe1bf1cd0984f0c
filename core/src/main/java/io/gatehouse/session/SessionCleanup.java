package io.gatehouse.session;

/**
 * One pass over every user's session records, in bounded batches, removing entries that have expired.
 * Made by {@link SessionStore#cleanup(int)}; the CLI drives it. Not needed for correctness (expired
 * entries are never served and are pruned whenever a user's records are written or listed, and a
 * user's key expires with its last entry): it returns memory held by users who have some live and some
 * expired entries and are not seen again for a while.
 *
 * <p>On Redis it walks keys with {@code SCAN}, which the developers' guide allows in offline tooling
 * only: do not call it on a request path.
 */
public interface SessionCleanup {
    /** Examines the next batch of users. Calling it after {@code done} returns an empty batch. */
    CleanupBatch next();

    /**
     * Ends the run early: waits for the batches already sent to Redis (each user's pruning is atomic, and
     * they run to their end anyway) and returns them added up. A resumable pass has stored its progress
     * and continues after them next time.
     */
    default CleanupBatch stop() {
        return new CleanupBatch(0, 0, false);
    }

    /**
     * For a pass resumed from stored progress ({@link SessionStore#resumableCleanup}): the totals of its
     * earlier runs. Empty for a new pass.
     */
    default java.util.Optional<CleanupBatch> resumed() {
        return java.util.Optional.empty();
    }

    /** Runs the pass to the end and adds up the batches. */
    default CleanupBatch runToEnd() {
        int users = 0;
        int removed = 0;
        CleanupBatch b;
        do {
            b = next();
            users += b.usersVisited();
            removed += b.entriesRemoved();
        } while (!b.done());
        return new CleanupBatch(users, removed, true);
    }
}
