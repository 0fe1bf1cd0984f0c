package io.gatehouse.server.auth;

import io.gatehouse.server.http.OAuthError;

/** Ends an OAuth endpoint's handling with an RFC 6749 §5.2 error ({@link OAuthRoutes} sends it). */
final class OAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient OAuthError error;

    OAuthException(OAuthError error) {
        super(error.error(), null, false, false);
        this.error = error;
    }

    OAuthError error() {
        return error;
    }
}
