package io.gatehouse.user;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Bounds how many password hashes and verifications run at once, on every route together: a
 * {@link PasswordHasher} that takes a permit for each operation and, when none is free, fails at once with
 * {@link HashingBusyException} rather than wait. Virtual threads make waiting cheap for the server but not for
 * the heap: each Argon2id operation holds its memory cost for as long as it runs.
 *
 * <p>{@value #KEY}: default twice the processors the JVM sees (hashing is CPU-bound; more in flight only
 * adds memory and latency).
 */
public final class HashingGate implements PasswordHasher {
    public static final String KEY = "gatehouse.password.max-concurrent-hashes";

    private final PasswordHasher delegate;
    private final Semaphore permits;
    private final int size;

    HashingGate(PasswordHasher delegate, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be positive");
        }
        this.delegate = delegate;
        this.permits = new Semaphore(permits);
        this.size = permits;
    }

    /** {@code delegate} behind the bound configured by {@value #KEY}. */
    public static PasswordHasher fromConfig(GatehouseConfig config, PasswordHasher delegate) {
        long n = config.number(KEY, 2L * Runtime.getRuntime().availableProcessors());
        if (n < 1 || n > 10_000) {
            throw new ConfigException(
                    KEY,
                    KEY + " = " + n + " must be between 1 and 10000 password hashing"
                            + " operations at once (default: twice the processors)");
        }
        return new HashingGate(delegate, (int) n);
    }

    @Override
    public String hash(String password) {
        return gated(() -> delegate.hash(password));
    }

    @Override
    public Verification verify(String password, String hash) {
        return gated(() -> delegate.verify(password, hash));
    }

    private <T> T gated(Supplier<T> op) {
        if (!permits.tryAcquire()) {
            throw new HashingBusyException(size);
        }
        try {
            return op.get();
        } finally {
            permits.release();
        }
    }
}
