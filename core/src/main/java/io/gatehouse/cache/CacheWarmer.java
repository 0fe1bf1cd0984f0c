package io.gatehouse.cache;

import java.time.Duration;

/**
 * Fills a cache from a source ahead of demand, now or on a schedule. A run writes every entry the
 * source returns (one Redis write each, pipelined); a failing source is logged and counted, and the
 * schedule goes on.
 */
public interface CacheWarmer {

    /** The warmer's name, for logs. */
    String name();

    /**
     * Runs once on the calling thread.
     *
     * @return how many entries were written
     * @throws CacheLoadException the source threw
     */
    int runNow();

    /**
     * Runs now and then every {@code every} on the cache factory's scheduler until {@link #cancel()}
     * or until the factory is closed. Scheduling again replaces the previous schedule.
     */
    void schedule(Duration every);

    /** Stops the schedule (a run in progress finishes). */
    void cancel();

    /** Runs that completed, and runs whose source or writes failed. */
    long runs();

    long failures();
}
