package io.gatehouse.error;

/**
 * The base of every exception the Gatehouse library throws on purpose: a refused input
 * ({@link InvalidInputException}), a rejected token, an unavailable store, a bad setting, a user
 * problem, a cache failure. Each subtype carries what went wrong in a message fit for its audience;
 * an adapter (the HTTP server, the CLI) maps each subtype to one answer in one place. Anything else
 * that escapes the library ({@link IllegalArgumentException}, {@link IllegalStateException}, ...)
 * is a bug, and adapters treat it as one (a generic 500, the stack trace in the log).
 */
public abstract class GatehouseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected GatehouseException(String message) {
        super(message);
    }

    protected GatehouseException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For exceptions thrown on hot paths as answers, not failures (no stack trace is filled in). */
    protected GatehouseException(
            String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }
}
