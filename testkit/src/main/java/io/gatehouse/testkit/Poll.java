package io.gatehouse.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition at a short interval until it holds or a deadline passes (no fixed sleeps). */
final class Poll {
    static final Duration INTERVAL = Duration.ofMillis(25);

    private Poll() {}

    /**
     * Waits until {@code check} returns null (meaning "done"); otherwise it returns what is still
     * missing, which becomes the timeout message. Exceptions from {@code check} count as "not yet"
     * because nodes refuse commands while they converge.
     */
    static void until(String what, Duration timeout, Supplier<String> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String missing = "not checked yet";
        RuntimeException lastError = null;
        while (true) {
            try {
                missing = check.get();
                lastError = null;
                if (missing == null) {
                    return;
                }
            } catch (RuntimeException e) {
                missing = e.getMessage();
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "timed out after " + timeout.toMillis() + " ms waiting for " + what + ": " + missing,
                        lastError);
            }
            sleep(INTERVAL);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
