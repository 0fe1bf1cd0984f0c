package io.gatehouse.spring.security;

import io.gatehouse.token.RejectReason;

/** What a client may learn about a refused token, worded as the server's {@code BearerAuthenticator} words it. */
final class Rejections {
    private Rejections() {
    }

    /** Expired (so the client refreshes) or revoked (so it logs in again); finer reasons stay internal. */
    static String describe(RejectReason reason) {
        return switch (reason) {
            case EXPIRED -> "the access token has expired";
            case REVOKED_TOKEN, REVOKED_SESSION, REVOKED_FAMILY, REVOKED_USER, REFRESH_REUSED ->
                    "the access token has been revoked";
            default -> "the access token is not valid";
        };
    }
}
