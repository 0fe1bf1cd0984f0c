package io.gatehouse.backup;

/**
 * Told how far a long transfer is: the snapshot download, compression and encryption, upload,
 * download, and the key copy of a restore. The CLI draws it as a progress line with bytes and rate.
 */
@FunctionalInterface
public interface Progress {
    /** Discards every report. */
    Progress NONE = (step, done, total) -> {};

    /**
     * @param step  what is being transferred, for example {@code upload 0-127.0.0.1-6379.rdb.zst.gpg}
     * @param done  bytes (or keys, for a restore) done so far
     * @param total the expected total, or -1 when unknown
     */
    void report(String step, long done, long total);
}
