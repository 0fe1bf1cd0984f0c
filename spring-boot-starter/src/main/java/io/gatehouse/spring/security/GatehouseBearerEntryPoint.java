package io.gatehouse.spring.security;

import io.gatehouse.spring.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers like the Gatehouse server (RFC 6750, RFC 9457): no token is 401 with a bare
 * {@code Bearer realm="gatehouse"} challenge; a refused token is 401 with
 * {@code error="invalid_token", error_description="..."}; a revocation state too stale to decide is 503
 * with {@code Retry-After: 1}. Each with a problem body; the token never appears in it.
 */
public final class GatehouseBearerEntryPoint implements AuthenticationEntryPoint {
    static final String REALM = "realm=\"gatehouse\"";

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof RevocationUnknownException) {
            response.setHeader("Retry-After", "1");
            Problems.write(
                    response,
                    503,
                    "unavailable",
                    "Service Unavailable",
                    "the token revocation state cannot be checked right now; retry shortly",
                    Map.of());
        } else if (e instanceof OAuth2AuthenticationException o) {
            String description = o.getError().getDescription() != null
                            && o.getError().getDescription().startsWith("the access token")
                    ? o.getError().getDescription()
                    : "the access token is not valid";
            response.setHeader(
                    "WWW-Authenticate",
                    "Bearer " + REALM + ", error=\"invalid_token\", error_description=\"" + description + "\"");
            Problems.write(response, 401, "invalid-token", "Unauthorized", description, Map.of());
        } else {
            response.setHeader("WWW-Authenticate", "Bearer " + REALM);
            Problems.write(
                    response,
                    401,
                    "unauthenticated",
                    "Unauthorized",
                    "this resource needs an access token: Authorization: Bearer <access_token>",
                    Map.of());
        }
    }
}
