package io.gatehouse.token;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/*
 * The random bytes of every token: ids (128 bits), opaque refresh secrets (256 bits), AES-GCM nonces
 * and the ECDSA per-signature secret k.
 *
 * Not `new SecureRandom()`: on Linux that is NativePRNG, and all its instances share one static state
 * (a SHA1PRNG mixer and a /dev/urandom buffer) behind two locks. A refresh draws four times; in the #19
 * profile (16 threads on 2 cores) threads that held that lock were descheduled and the others queued
 * behind them (JFR: 99 waits of 10 ms or more in 45 s). Here the draws go to independent instances of
 * the JDK's DRBG (NIST SP 800-90A Hash_DRBG with SHA-256, instantiated at 256-bit strength and seeded
 * from the system's entropy source, the JDK's default SecureRandom on the other platforms): a fixed
 * set of stripes picked by thread id, so threads rarely share one, plus one instance per signing engine.
 * What NativePRNG has beyond it is that every draw also mixes in fresh kernel randomness, which only
 * matters once an attacker has read this process's memory, and that memory holds the signing keys.
 */
final class Randomness {
    /** A power of two, at least 4 stripes per processor. */
    private static final SecureRandom[] STRIPES = stripes(Runtime.getRuntime().availableProcessors());

    private Randomness() {}

    private static SecureRandom[] stripes(int processors) {
        int n = Integer.highestOneBit(Math.max(8, processors * 4) - 1) << 1;
        SecureRandom[] s = new SecureRandom[n];
        for (int i = 0; i < n; i++) {
            s[i] = newDrbg();
        }
        return s;
    }

    /** Fills {@code bytes} from the calling thread's stripe. */
    static void nextBytes(byte[] bytes) {
        STRIPES[(int) Thread.currentThread().getId() & (STRIPES.length - 1)].nextBytes(bytes);
    }

    /** A generator of its own, for a user that draws from one thread at a time (a pooled signing engine). */
    static SecureRandom newDrbg() {
        try {
            return SecureRandom.getInstance(
                    "DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, null));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK's DRBG is required", e);
        }
    }
}
