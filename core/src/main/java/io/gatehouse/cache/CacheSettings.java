package io.gatehouse.cache;

import java.time.Duration;

/**
 * The tuning of one cache, resolved from configuration and its builder.
 *
 * @param lease       how long a loader's lease lasts in Redis (a crashed loader blocks others this long at most)
 * @param leaseWait   how long a miss waits for another instance's loader before loading itself
 * @param maxTtl      the longest TTL accepted; group generations are kept this long
 * @param beta        XFetch eagerness (0 turns early refresh off; 1 is the paper's default)
 * @param negativeTtl how long "absent" is cached ({@link Duration#ZERO}: not at all)
 * @param nearMaxSize near cache size in entries (0: no near cache)
 * @param nearTtl     how long a near copy is served at most
 */
record CacheSettings(
        Duration lease,
        Duration leaseWait,
        Duration maxTtl,
        double beta,
        Duration negativeTtl,
        long nearMaxSize,
        Duration nearTtl) {}
