package io.gatehouse.bench;

import io.gatehouse.backend.Stores;

/** Stores for the token benchmarks. */
final class BenchTokens {
    private BenchTokens() {}

    /**
     * Stores with a 10 s command timeout: the setup writes 100,000 revocations in 500-entry scripts,
     * which on a machine shared with other benchmarks can exceed the default 1 s. Measured calls are
     * unaffected (a timeout only bounds waiting).
     */
    static Stores stores(BenchRedis redis) {
        return Stores.open(redis.config().toBuilder()
                .set("gatehouse.redis.command-timeout", "10s")
                .build());
    }
}
