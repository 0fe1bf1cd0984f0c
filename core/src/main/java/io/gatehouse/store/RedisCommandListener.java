package io.gatehouse.store;

/**
 * Told the latency of every Redis command a connector completes, for metrics. The library has no
 * metrics dependency: the server binds this to Micrometer, an embedding application to whatever it uses.
 *
 * <p>Called on a Lettuce I/O thread for every command: it must return in well under a microsecond's worth
 * of work (update a histogram) and never block or throw.
 */
@FunctionalInterface
public interface RedisCommandListener {
    /** A listener that ignores everything (the default: Lettuce then records no latencies at all). */
    RedisCommandListener NONE = (target, command, nanos) -> {};

    /**
     * @param target  the connector's target, {@code RedisConnector.target()} (purposes and redacted URL)
     * @param command the command's name, upper case ({@code EVALSHA}, {@code GET}, ...)
     * @param nanos   from the command's write to its completion (the reply decoded)
     */
    void completed(String target, String command, long nanos);

    /**
     * A call failed (not counting calls refused at once by an open circuit): for an error counter by
     * kind, such as {@link StoreFullException} (out of memory) or
     * {@link StoreDurabilityException} (replicas did not confirm). Same rules as
     * {@link #completed}: cheap, never blocks or throws.
     *
     * @param target the connector's target
     * @param error  what the caller got
     */
    default void failed(String target, StoreException error) {}
}
