package io.gatehouse.session;

/**
 * What one {@link SessionCleanup#next()} step did.
 *
 * @param usersVisited    users whose records were examined
 * @param entriesRemoved  expired sessions and trust records removed
 * @param done            whether the pass has visited every user
 */
public record CleanupBatch(int usersVisited, int entriesRemoved, boolean done) {}
