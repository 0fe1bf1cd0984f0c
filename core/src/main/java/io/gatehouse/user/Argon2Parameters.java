package io.gatehouse.user;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;

/**
 * Argon2id cost parameters. The defaults are OWASP's Password Storage Cheat Sheet recommendation
 * (m = 19 MiB, t = 2, p = 1); raising them costs every login proportionally more CPU and memory, and
 * existing hashes are upgraded at their owner's next successful login.
 *
 * @param memoryKib   memory per hash in KiB ({@code gatehouse.password.argon2.memory-kib}, default 19456)
 * @param iterations  passes over memory ({@code gatehouse.password.argon2.iterations}, default 2)
 * @param parallelism lanes ({@code gatehouse.password.argon2.parallelism}, default 1)
 * @param hashLength  bytes of output ({@code gatehouse.password.argon2.hash-length}, default 32)
 * @param saltLength  bytes of random salt ({@code gatehouse.password.argon2.salt-length}, default 16)
 */
public record Argon2Parameters(int memoryKib, int iterations, int parallelism, int hashLength, int saltLength) {
    private static final String PREFIX = "gatehouse.password.argon2.";

    public Argon2Parameters {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1..64, not " + parallelism);
        }
        if (memoryKib < 8 * parallelism) {
            throw new IllegalArgumentException("memoryKib must be at least 8 x parallelism, not " + memoryKib);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
        }
        if (hashLength < 16 || saltLength < 8) {
            throw new IllegalArgumentException("hashLength must be >= 16 and saltLength >= 8");
        }
    }

    /** OWASP's recommendation: m = 19456 KiB, t = 2, p = 1, 32-byte hash, 16-byte salt. */
    public static Argon2Parameters owasp() {
        return new Argon2Parameters(19_456, 2, 1, 32, 16);
    }

    /** The parameters under {@code gatehouse.password.argon2.*}, OWASP's where unset. */
    public static Argon2Parameters fromConfig(GatehouseConfig config) {
        Argon2Parameters d = owasp();
        int memory = bounded(config, "memory-kib", d.memoryKib(), 8, 4_194_304);
        int iterations = bounded(config, "iterations", d.iterations(), 1, 100);
        int parallelism = bounded(config, "parallelism", d.parallelism(), 1, 64);
        int hashLength = bounded(config, "hash-length", d.hashLength(), 16, 128);
        int saltLength = bounded(config, "salt-length", d.saltLength(), 8, 64);
        if (memory < 8 * parallelism) {
            throw new ConfigException(
                    PREFIX + "memory-kib",
                    PREFIX + "memory-kib = " + memory + " is too small: Argon2 needs at least 8 KiB per lane (" + PREFIX
                            + "parallelism = " + parallelism + ")");
        }
        return new Argon2Parameters(memory, iterations, parallelism, hashLength, saltLength);
    }

    private static int bounded(GatehouseConfig config, String name, int def, int min, int max) {
        String key = PREFIX + name;
        long v = config.number(key, def);
        if (v < min || v > max) {
            throw new ConfigException(key, key + " = " + v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }
}
