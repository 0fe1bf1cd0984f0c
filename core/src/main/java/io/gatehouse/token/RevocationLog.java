package io.gatehouse.token;

import java.time.Duration;
import java.util.List;

/**
 * The authoritative revocation state and the ordered feed of its changes. Every write goes to both
 * at once (one script in Redis), so a reader that resumes the feed from its last position, or reloads
 * the state when the feed has lost entries, never misses a revocation.
 *
 * <p>Implementations: {@link RedisRevocationLog} (one Redis Stream plus an index per kind) and
 * {@link InMemoryRevocationLog} (one process).
 */
interface RevocationLog {

    /** A feed entry and its position. */
    record Positioned(String position, Revocation revocation) {}

    /** All live entries, and the feed position they include everything up to. */
    record Snapshot(String position, List<Revocation> entries) {}

    /** The position before any entry. */
    String START = "0-0";

    /**
     * Writes entries (merged with existing ones as {@link LocalRevocationState#merge} does) and appends them
     * to the feed; also drops some entries expired at {@code nowMs} and trims a bounded part of the feed.
     */
    void append(List<Revocation> entries, long nowMs);

    /**
     * The live state. The position is read first, so entries written while the snapshot is taken are
     * either in it or after its position (or both: applying twice is harmless).
     */
    Snapshot snapshot(long nowMs);

    /**
     * Drops entries whose {@code until} has passed from the authoritative index, and trims the feed to
     * its retention and length (in Redis: in as many bounded calls as the backlog needs).
     */
    void cleanup(long nowMs);

    /** Opens a reader of the feed (in Redis: its own connection, for blocking reads). */
    Feed openFeed();

    /**
     * A reader of the feed. Not thread-safe: one reader thread owns it, except for {@link #close()}, which another
     * thread may call to end a read in progress at once (the read then returns or fails).
     */
    interface Feed extends AutoCloseable {
        /** Entries after {@code position}, waiting up to {@code maxWait} for the first; empty when none came. */
        List<Positioned> read(String position, Duration maxWait);

        /** Whether entries after {@code position} may have been dropped (trimmed, or the feed was recreated). */
        boolean hasGap(String position);

        @Override
        void close();
    }
}
