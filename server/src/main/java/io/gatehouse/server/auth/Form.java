package io.gatehouse.server.auth;

import io.gatehouse.server.http.OAuthError;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RequestBody;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code application/x-www-form-urlencoded} request body, as the OAuth endpoints take it (RFC 6749
 * §3.2, RFC 7009 §2.1, RFC 7662 §2.1): UTF-8, a size limit, and no parameter twice (RFC 6749 §3.1, an
 * ambiguous request is {@code invalid_request}). Values are never echoed in errors.
 */
final class Form {
    private static final String FORM = "application/x-www-form-urlencoded";
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
        return read(req, maxBytes, null);
    }

    /** Reads the form body of {@code req}, parsed by {@code forms} (which may hand out a form parsed before). */
    static Form read(ServerRequest req, long maxBytes, IntrospectionForms forms) {
        if (!isForm(req)) {
            throw new OAuthException(
                    OAuthError.invalidRequest("send the parameters as application/x-www-form-urlencoded"));
        }
        byte[] body;
        try {
            body = RequestBody.read(req, maxBytes);
        } catch (IOException e) {
            throw new OAuthException(OAuthError.invalidRequest("the request body could not be read"));
        }
        return forms == null ? parse(body) : forms.parse(body);
    }

    /** The parameters of a form body (UTF-8; a malformed sequence reads as U+FFFD, as {@code new String} does). */
    static Form parse(byte[] body) {
        Map<String, String> params = new LinkedHashMap<>(8);
        // '&', '=', '%' and '+' are ASCII and never inside a UTF-8 sequence, so they are found in a Latin-1 view of
        // the bytes (one char per byte, the same indices; a plain copy), whose indexOf the JIT vectorises: a byte
        // loop over an introspection body (a ~700-character token) was the form's largest cost in the JFR profile.
        // Each name and value is then decoded from the body's bytes as UTF-8, and percent-decoded only when the
        // body has a '%' or '+' at all.
        String view = new String(body, StandardCharsets.ISO_8859_1);
        boolean escaped = view.indexOf('%') >= 0 || view.indexOf('+') >= 0;
        int start = 0;
        while (start <= body.length) {
            int end = view.indexOf('&', start);
            if (end < 0) {
                end = body.length;
            }
            if (end > start) {
                int eq = view.indexOf('=', start, end);
                if (eq < 0) {
                    eq = end;
                }
                String name;
                String value;
                try {
                    name = decode(body, start, eq, escaped);
                    value = eq == end ? "" : decode(body, eq + 1, end, escaped);
                } catch (IllegalArgumentException e) {
                    throw new OAuthException(
                            OAuthError.invalidRequest("the form body is not correctly percent-encoded"));
                }
                if (params.put(name, value) != null) {
                    String safe = name.matches("[a-z_]{1,40}") ? name : "a parameter";
                    throw new OAuthException(OAuthError.invalidRequest(safe + " is given more than once"));
                }
            }
            start = end + 1;
        }
        return new Form(params);
    }

    /** The bytes {@code [from, to)} as UTF-8, form-decoded when the body has escapes. */
    private static String decode(byte[] body, int from, int to, boolean escaped) {
        String s = new String(body, from, to - from, StandardCharsets.UTF_8);
        return escaped ? ClientCredentials.formDecode(s) : s;
    }

    /**
     * Whether the body is {@code application/x-www-form-urlencoded} in UTF-8. The plain header value every OAuth
     * client sends is compared as it is; anything else (parameters, odd spacing) goes through Helidon's media
     * type parser, which builds the parsed type on every call.
     */
    private static boolean isForm(ServerRequest req) {
        Optional<String> raw = req.headers().first(HeaderNames.CONTENT_TYPE);
        if (raw.isPresent() && raw.get().equalsIgnoreCase(FORM)) {
            return true;
        }
        Optional<HttpMediaType> type = req.headers().contentType();
        return type.map(t -> t.mediaType().type().equalsIgnoreCase("application")
                        && t.mediaType().subtype().equalsIgnoreCase("x-www-form-urlencoded")
                        && t.charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true))
                .orElse(false);
    }

    /** The names of the parameters present. */
    Set<String> names() {
        return Collections.unmodifiableSet(params.keySet());
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
