package io.gatehouse.testkit;

/** A node could not bind its port because something took it after {@link FreePorts} chose it. */
final class PortClashException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortClashException(String message) {
        super(message);
    }
}
