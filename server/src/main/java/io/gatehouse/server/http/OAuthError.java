package io.gatehouse.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An RFC 6749 §5.2 error response, the format OAuth endpoints ({@code /oauth2/token}, {@code /oauth2/revoke},
 * {@code /oauth2/introspect}) use instead of problem details: {@code {"error": "...", "error_description": "..."}}
 * with {@code Cache-Control: no-store}. {@code invalid_client} answers 401 with a {@code WWW-Authenticate: Basic}
 * challenge when the client tried HTTP Basic (RFC 6749 §5.2).
 *
 * @param error       one of the RFC 6749 / RFC 7009 codes, e.g. {@code invalid_request}, {@code invalid_grant}
 * @param description human-readable, ASCII without {@code "} or {@code \} (the RFC's character set)
 */
public record OAuthError(String error, String description) {
    /** RFC 6749 §5.2: error codes are %x20-21 / %x23-5B / %x5D-7E. */
    private static final Pattern SAFE = Pattern.compile("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*");

    public OAuthError {
        if (!SAFE.matcher(error).matches() || error.isEmpty()) {
            throw new IllegalArgumentException("error code outside RFC 6749's character set");
        }
        if (description != null && !SAFE.matcher(description).matches()) {
            throw new IllegalArgumentException("error_description outside RFC 6749's character set");
        }
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError("invalid_request", description);
    }

    public static OAuthError invalidClient(String description) {
        return new OAuthError("invalid_client", description);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError("invalid_grant", description);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError("unsupported_grant_type", description);
    }

    /** The status RFC 6749 §5.2 prescribes: 401 for {@code invalid_client}, else 400. */
    public int status() {
        return error.equals("invalid_client") ? 401 : 400;
    }

    /** The JSON members. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        return body;
    }

    /** Writes the error with the headers RFC 6749 requires. */
    public void send(ServerResponse res) {
        res.status(Status.create(status()));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.PRAGMA, "no-cache");
        if (status() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\", charset=\"UTF-8\"");
        }
        Json.send(res, status(), body());
    }
}
