/**
 * Backups of every Redis deployment Gatehouse uses, and their restore.
 *
 * <p>{@link io.gatehouse.backup.Backups} is the whole API: {@code create} takes a point-in-time RDB
 * snapshot over the replication link ({@code redis-cli --rdb}; from a replica when Sentinel knows
 * one, from every master of a Cluster), compresses it with zstd, encrypts it to an OpenPGP public key
 * and stores it with a JSON {@link io.gatehouse.backup.Manifest} in a
 * {@link io.gatehouse.backup.BackupTarget} (a local directory or an S3-compatible bucket).
 * {@code verify} proves a backup restorable by loading it into a scratch {@code redis-server};
 * {@code restore} copies it key by key ({@code DUMP}/{@code RESTORE} with the remaining TTL) into a
 * running deployment; {@code prune} applies a {@link io.gatehouse.backup.Retention} schedule.
 *
 * <p>Every file decodes with standard tools alone: {@code gpg --decrypt | zstd -d} gives an RDB
 * file that {@code redis-server} loads (docs/BACKUPS.md).
 */
package io.gatehouse.backup;
