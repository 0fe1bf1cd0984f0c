/**
 * {@code gatehouse backup ...}: create, list, verify, restore and prune backups of every Redis
 * deployment (the {@code io.gatehouse.backup} library), with progress on stderr.
 */
package io.gatehouse.cli.backup;
