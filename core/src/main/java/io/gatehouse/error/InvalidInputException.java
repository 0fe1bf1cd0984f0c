package io.gatehouse.error;

/**
 * An input from outside (a client, an operator) was refused before anything was changed: a malformed
 * id, a subject with control characters, an unknown event type, a bad cursor or range. The message
 * names the input and what is wrong with it, is safe to show the caller, and never quotes a secret or
 * a whole token. The server answers 400 with it; the CLI exits with the usage code.
 */
public class InvalidInputException extends GatehouseException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
