package io.gatehouse.server.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem-details body ({@code application/problem+json}).
 *
 * <p>{@code type} is {@code about:blank} when the status code says it all (404, 405, 413, ...) and a
 * {@code urn:gatehouse:problem:<name>} URN for Gatehouse's own kinds, so clients can branch on it.
 * Extension members (such as {@code errors}, the list of invalid fields) sit beside the standard ones.
 * {@code detail} is written for humans and never repeats what the client sent.
 */
public record Problem(String type, String title, int status, String detail, Map<String, Object> extensions) {
    public static final String MEDIA_TYPE = "application/problem+json";
    /** The {@code Content-Type} of a problem answer. */
    static final Header CONTENT_TYPE = ConstantHeader.of(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);

    public Problem {
        extensions = Map.copyOf(extensions);
    }

    /** A problem fully described by its status. */
    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, Map.of());
    }

    /** A Gatehouse-specific problem: {@code urn:gatehouse:problem:<name>}. */
    public static Problem typed(String name, int status, String title, String detail) {
        return new Problem("urn:gatehouse:problem:" + name, title, status, detail, Map.of());
    }

    /** A copy with one more extension member. */
    public Problem with(String member, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(extensions);
        copy.put(member, value);
        return new Problem(type, title, status, detail, copy);
    }

    /** The JSON members in order: type, title, status, detail, instance, then extensions. */
    Map<String, Object> body(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        body.putAll(extensions);
        return body;
    }
}
