package io.gatehouse.session;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a resumable cleanup pass got: the totals of its completed batches and where its scan goes on.
 * Stored (Redis: {@code <prefix>:sess-cleanup:progress}) after every completed batch, so a pass that was
 * interrupted continues where it stopped; removed when the pass ends.
 *
 * @param usersVisited   users examined by the pass so far (every run of it)
 * @param entriesRemoved expired entries removed by the pass so far
 * @param position       the scan position after the last completed batch
 */
record CleanupProgress(long usersVisited, long entriesRemoved, String position) {
    /** How long an abandoned pass can be resumed; after that the next run starts a new one. */
    static final Duration KEEP = Duration.ofDays(7);

    /** {@code <users>|<removed>|<position>} (the position last, so it may contain anything). */
    String encode() {
        return usersVisited + "|" + entriesRemoved + "|" + position;
    }

    /** Empty when the text is not a stored progress (then the pass starts from the beginning). */
    static Optional<CleanupProgress> decode(String text) {
        String[] f = text.split("\\|", 3);
        if (f.length < 3 || f[2].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CleanupProgress(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
