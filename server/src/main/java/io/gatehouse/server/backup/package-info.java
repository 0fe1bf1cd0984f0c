/**
 * The optional scheduled backup ({@code gatehouse.backup.schedule}): one instance of a fleet takes
 * each backup, chosen by a lease in Redis; its outcome is exported as metrics so an alert fires when
 * backups stop.
 */
package io.gatehouse.server.backup;
