package io.gatehouse.testkit;

import java.util.function.Supplier;

/** Runs a start attempt again, with newly chosen ports, when a port it chose was taken meanwhile. */
final class PortRetry {
    private static final int ATTEMPTS = 5;

    private PortRetry() {}

    /** {@code start} must choose its ports itself (with {@link FreePorts#next()}) on every call. */
    static <T> T withFreshPorts(Supplier<T> start) {
        PortClashException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return start.get();
            } catch (PortClashException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last;
    }
}
