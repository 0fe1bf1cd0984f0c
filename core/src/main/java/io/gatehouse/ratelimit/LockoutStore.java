package io.gatehouse.ratelimit;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where login-failure counters live. A group is the counters of one tag (one account, or one IP). */
interface LockoutStore {
    /**
     * Counts a failure on the group's counters ({@code fail}) or only reads them. Returns at once with
     * the pending answer, so the account group and the IP group travel in one round trip; the future
     * fails only with a {@link io.gatehouse.store.StoreException}.
     *
     * @param kind     {@code lock} (account group) or {@code lockip} (IP group)
     * @param counters counter names within the tag
     * @param maxFailures per counter, 0 = that dimension is off
     */
    CompletableFuture<GroupState> apply(
            boolean fail, String kind, String tag, List<String> counters, int[] maxFailures, LockoutPolicy policy);

    /** Waits for an {@link #apply} answer, at most the store's command timeout. */
    GroupState await(CompletableFuture<GroupState> pending);

    /** Deletes counters (a successful login). */
    void clear(String kind, String tag, List<String> counters);

    /** Voids every counter of a tag (administrator unlock). */
    void unlock(String kind, String tag);

    /** Up to {@code max} counters locked now, from the store's index of lockouts in force (operators' tooling). */
    List<ActiveLockout> locked(int max);

    /** What {@link #apply} saw: per counter, locked-until (ms), permanent, and whether this call locked it. */
    record GroupState(long now, long[] lockedUntil, boolean[] permanent, boolean[] newlyLocked) {
        LockoutStatus status(int i) {
            return LockoutStatus.of(lockedUntil[i], permanent[i], now);
        }
    }
}
