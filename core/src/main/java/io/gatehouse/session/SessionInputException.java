package io.gatehouse.session;

import io.gatehouse.error.InvalidInputException;

/**
 * An argument was refused before anything was stored: a malformed session id, a user id with braces,
 * whitespace or control characters, an IP that is not a literal address, an oversized attribute.
 * The message names the argument, never a whole session id.
 */
public final class SessionInputException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public SessionInputException(String message) {
        super(message);
    }
}
