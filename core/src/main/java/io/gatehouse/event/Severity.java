package io.gatehouse.event;

/** How serious a security event is, in rising order; queries filter by a minimum severity. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    /** Whether this severity is at least {@code min}. */
    public boolean atLeast(Severity min) {
        return compareTo(min) >= 0;
    }
}
