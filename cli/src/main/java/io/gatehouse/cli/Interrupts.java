package io.gatehouse.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during long work: the JVM's shutdown waits (up to 30 s) until the loop notices
 * {@link #requested()} between two whole steps and closes this, so nothing is left half-done.
 */
final class Interrupts implements AutoCloseable {
    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private Interrupts() {
        this.hook = new Thread(
                () -> {
                    requested = true;
                    try {
                        finished.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "gatehouse-cli-interrupt");
    }

    static Interrupts install() {
        Interrupts i = new Interrupts();
        Runtime.getRuntime().addShutdownHook(i.hook);
        return i;
    }

    /** Whether Ctrl-C (or SIGTERM) asked to stop. */
    boolean requested() {
        return requested;
    }

    @Override
    public void close() {
        finished.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that finished is counted down
            }
        }
    }
}
