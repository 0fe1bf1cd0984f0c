package io.gatehouse.server.auth;

import io.gatehouse.server.http.OAuthError;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RequestBody;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} request body, as the OAuth endpoints take it (RFC 6749
 * §3.2, RFC 7009 §2.1, RFC 7662 §2.1): UTF-8, a size limit, and no parameter twice (RFC 6749 §3.1, an
 * ambiguous request is {@code invalid_request}). Values are never echoed in errors.
 */
final class Form {
    private final Map<String, String> params;

    private Form(Map<String, String> params) {
        this.params = params;
    }

    /**
     * Reads the form body of {@code req}.
     *
     * @throws OAuthException  {@code invalid_request} for another content type, a duplicate or malformed parameter
     * @throws ProblemException 413 for a body over {@code maxBytes}
     */
    static Form read(ServerRequest req, long maxBytes) {
        Optional<HttpMediaType> type = req.headers().contentType();
        boolean form = type.map(t -> t.mediaType().type().equalsIgnoreCase("application")
                        && t.mediaType().subtype().equalsIgnoreCase("x-www-form-urlencoded")
                        && t.charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true))
                .orElse(false);
        if (!form) {
            throw new OAuthException(
                    OAuthError.invalidRequest("send the parameters as application/x-www-form-urlencoded"));
        }
        byte[] body;
        try {
            body = RequestBody.read(req, maxBytes);
        } catch (IOException e) {
            throw new OAuthException(OAuthError.invalidRequest("the request body could not be read"));
        }
        Map<String, String> params = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            for (String pair : text.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name;
                String value;
                try {
                    name = ClientCredentials.formDecode(eq < 0 ? pair : pair.substring(0, eq));
                    value = eq < 0 ? "" : ClientCredentials.formDecode(pair.substring(eq + 1));
                } catch (IllegalArgumentException e) {
                    throw new OAuthException(
                            OAuthError.invalidRequest("the form body is not correctly percent-encoded"));
                }
                if (params.put(name, value) != null) {
                    String safe = name.matches("[a-z_]{1,40}") ? name : "a parameter";
                    throw new OAuthException(OAuthError.invalidRequest(safe + " is given more than once"));
                }
            }
        }
        return new Form(params);
    }

    /** A parameter; an empty value counts as absent (RFC 6749 §3.1). */
    Optional<String> get(String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
    }

    /** A required parameter, else {@code invalid_request} naming it. */
    String require(String name) {
        return get(name).orElseThrow(() -> new OAuthException(OAuthError.invalidRequest(name + " is required")));
    }

    @Override
    public String toString() {
        return "Form"
                + params.keySet().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    }
}
