package io.gatehouse.backup;

/**
 * What {@code restore} did (or, with {@code dryRun}, would do).
 *
 * @param id             the backup
 * @param dryRun         whether nothing was written
 * @param restored       keys written (or that would be)
 * @param expiredSkipped keys whose TTL ran out since the backup, not written
 * @param existing       keys already present in the target (refused without {@code --replace}, replaced with it)
 * @param skippedBinary  keys whose names are not UTF-8, not copied (Gatehouse never writes such keys)
 * @param durationMillis how long the restore took
 */
public record RestoreReport(
        String id,
        boolean dryRun,
        long restored,
        long expiredSkipped,
        long existing,
        long skippedBinary,
        long durationMillis) {}
