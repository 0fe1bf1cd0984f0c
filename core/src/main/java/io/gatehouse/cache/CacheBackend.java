package io.gatehouse.cache;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where entries live: Redis ({@link RedisCacheBackend}) or this process ({@link InMemoryCacheBackend}).
 * Entries are opaque strings ({@link Envelope}); each write that others must hear about carries the
 * message to publish, so the write and its notification are one atomic step.
 */
interface CacheBackend {

    /** What {@link #lookup} found. */
    enum Found {
        VALUE,
        LEASE_TAKEN,
        LEASE_HELD_BY_OTHER
    }

    /** {@code holder}: the token of the lease's holder, when held by another loader; else null. */
    record Lookup(Found found, String raw, long leaseMillisLeft, String holder) {}

    String get(String cache, String key);

    /**
     * The value, or else the key's load lease for {@code token}, or else who holds it. One round trip.
     * A value equal to {@code ignore} (one the caller found unusable: unreadable or invalidated by
     * group) counts as absent, so it is replaced by a load without first deleting it. With
     * {@code willWait}, a holder found is told to publish its store, to wake the caller (and
     * {@link Lookup#leaseMillisLeft} is set); without, the lookup may be cheaper (Redis: one plain
     * command instead of a script).
     */
    Lookup lookup(String cache, String key, String token, long leaseMillis, String ignore, boolean willWait);

    /**
     * Takes the key's refresh lease if it is free, whether or not a value is cached (early refresh).
     * It is separate from the load lease of {@link #lookup}: the value stays readable meanwhile.
     */
    boolean tryLease(String cache, String key, String token, long leaseMillis);

    /**
     * Writes if {@code token} still holds its lease (the refresh lease if {@code refresh}, else the load
     * lease) and releases it. Publishes {@code message} when a caller waited on the lease or when
     * {@code notify} (near caches may hold an older copy); a store may always publish (the in-memory
     * one does: its messages are method calls). Does not wait: the future tells whether it was written
     * (true) or the lease was lost (false), and fails with a {@link io.gatehouse.store.StoreException}.
     */
    CompletableFuture<Boolean> storeLeased(
            String cache,
            String key,
            String token,
            boolean refresh,
            String raw,
            long ttlMillis,
            String message,
            boolean notify);

    /** Writes unconditionally, cancels any lease, publishes. */
    void put(String cache, String key, String raw, long ttlMillis, String message);

    /** {@link #put} without waiting (warmers send many at once); {@link #await} the futures. */
    CompletableFuture<Void> putAsync(String cache, String key, String raw, long ttlMillis, String message);

    /** Waits for a future of this backend at most the command timeout; fails with a StoreException. */
    <T> T await(CompletableFuture<T> future);

    /** Deletes value and lease, publishes. */
    void delete(String cache, String key, String message);

    /** Gives the lease (the refresh lease if {@code refresh}, else the load lease) back if {@code token} holds it. */
    void release(String cache, String key, String token, boolean refresh);

    /** The current generation of each group, {@link Envelope#NO_GENERATION} for a group never invalidated. */
    List<String> generations(String cache, List<String> groups);

    /** Gives the group a new generation, kept at least {@code keepMillis}; publishes. */
    void bumpGeneration(String cache, String group, long keepMillis, String message);

    /** Publishes on the invalidation channel (heartbeats). */
    void publish(String message);

    /** Listens to the invalidation channel. */
    AutoCloseable subscribe(Consumer<String> listener);

    /** Operators' tooling (Redis: SCAN, never on a request path): the names of the caches with entries stored. */
    java.util.SortedSet<String> names();

    /** Operators' tooling (Redis: SCAN and sampled MEMORY USAGE): what the cache holds now. */
    CacheUsage usage(String cache, int sample);

    /**
     * Operators' tooling (Redis: SCAN and one UNLINK per key, never a multi-key command): removes every entry
     * and lease of the cache, then publishes {@code message}; returns how many entries went. Entries written
     * meanwhile may stay. Group generations are kept (they only ever make entries unreadable).
     */
    long clear(String cache, String message);

    /** Drops expired entries that nobody read (the in-memory store; Redis expires keys itself). */
    default void purgeExpired() {}

    /** For logs and errors. */
    String describe();
}
