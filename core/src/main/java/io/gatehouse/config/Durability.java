package io.gatehouse.config;

import java.time.Duration;

/**
 * When a purpose's security writes (revocations, refresh rotations, session ends, lockouts) count as
 * done: {@code gatehouse.redis.<purpose>.durability} and its sub-keys, documented in
 * {@code docs/CONFIGURATION.md} and {@code docs/RELIABILITY.md}.
 *
 * @param mode     {@link Mode#ASYNC} (acknowledged when the master applied it) or {@link Mode#REPLICATED}
 *                 (acknowledged once {@code WAIT} saw {@code replicas} replicas confirm it)
 * @param replicas how many replicas must confirm a write in replicated mode (at least 1)
 * @param timeout  how long {@code WAIT} may wait for them before the caller gets a
 *                 {@link io.gatehouse.store.StoreDurabilityException}
 * @param check    what startup does when the deployment would lose acknowledged writes
 */
public record Durability(Mode mode, int replicas, Duration timeout, Check check) {

    /** The default: acknowledged by the master, deployment checked with a warning. */
    public static final Durability ASYNC = new Durability(Mode.ASYNC, 1, Duration.ofMillis(250), Check.WARN);

    public Durability {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, not " + replicas);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    /** Whether security writes wait for replicas. */
    public boolean replicated() {
        return mode == Mode.REPLICATED;
    }

    /** How security writes are acknowledged. */
    public enum Mode {
        /** When the master has applied the write (Redis's own default). */
        ASYNC,
        /** When {@code WAIT} confirms the configured number of replicas have it. */
        REPLICATED
    }

    /** What to do when the deployment's persistence or eviction settings can lose acknowledged writes. */
    public enum Check {
        /** Do not look. */
        OFF,
        /** Log a warning at startup and report it in {@code /health}. */
        WARN,
        /** Refuse to start. */
        STRICT
    }
}
