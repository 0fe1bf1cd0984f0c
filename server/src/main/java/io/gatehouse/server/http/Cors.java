package io.gatehouse.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * CORS (Fetch standard). Off unless {@code gatehouse.server.cors.allowed-origins} is set. An allowed
 * origin gets {@code Access-Control-Allow-Origin} echoed (with {@code Vary: Origin}); a preflight from
 * an allowed origin is answered here with 204 and the allowed methods and headers; a preflight from any
 * other origin gets 204 without CORS headers, which the browser treats as a refusal.
 */
final class Cors {
    private Cors() {}

    /** Adds CORS headers; returns true when the request was a preflight and has been answered. */
    static boolean handle(HttpSettings.Cors cors, RoutingRequest req, RoutingResponse res) {
        if (!cors.enabled()) {
            return false;
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return false;
        }
        res.header(HeaderNames.VARY, "Origin");
        boolean allowed = cors.allows(origin.get());
        boolean preflight = req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (allowed) {
            res.header(
                    HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN,
                    cors.allowedOrigins().contains("*") && !cors.allowCredentials() ? "*" : origin.get());
            if (cors.allowCredentials()) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
        }
        if (!preflight) {
            if (allowed && !cors.exposedHeaders().isEmpty()) {
                res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", cors.exposedHeaders()));
            }
            return false;
        }
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", cors.allowedMethods()));
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", cors.allowedHeaders()));
            res.header(
                    HeaderNames.ACCESS_CONTROL_MAX_AGE,
                    Long.toString(cors.maxAge().toSeconds()));
        }
        res.status(Status.NO_CONTENT_204).send();
        return true;
    }
}
