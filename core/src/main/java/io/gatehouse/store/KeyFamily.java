package io.gatehouse.store;

/**
 * The keys of one family ({@code <prefix>:<kind>}, such as {@code gatehouse:s} for sessions) on one
 * Redis target, as {@code Stores.keyFamilies(int)} counts them.
 *
 * @param target         the Redis deployment (redacted URL)
 * @param family         {@code <prefix>:<kind>}
 * @param keys           how many keys the family has
 * @param sampled        how many of them were measured with {@code MEMORY USAGE}
 * @param estimatedBytes the sampled keys' average size times {@code keys}
 */
public record KeyFamily(String target, String family, long keys, long sampled, long estimatedBytes) {}
