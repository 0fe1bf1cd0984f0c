package io.gatehouse.server.auth;

/**
 * Client authentication failed (unknown client, wrong secret, malformed credentials). The message is
 * safe to send back: it never contains the secret or the presented client id. Routes render it as an
 * RFC 6749 {@code invalid_client} (OAuth endpoints) or a 401 problem (admin API), both with a
 * {@code WWW-Authenticate: Basic} challenge.
 */
public final class InvalidClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidClientException(String message) {
        super(message, null, false, false);
    }
}
