package io.gatehouse.spring.problem;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * RFC 9457 problem bodies as the Gatehouse server writes them: {@code urn:gatehouse:problem:<name>}, title,
 * status, detail, then extension members (numbers and strings). Internal to the starter.
 */
public final class Problems {
    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    /** Sets the status and content type and writes the body. */
    public static void write(
            HttpServletResponse response,
            int status,
            String name,
            String title,
            String detail,
            Map<String, Object> extensions)
            throws IOException {
        StringBuilder body = new StringBuilder("{\"type\":")
                .append(json("urn:gatehouse:problem:" + name))
                .append(",\"title\":")
                .append(json(title))
                .append(",\"status\":")
                .append(status)
                .append(",\"detail\":")
                .append(json(detail));
        extensions.forEach((k, v) -> body.append(',')
                .append(json(k))
                .append(':')
                .append(v instanceof Number ? v.toString() : json(String.valueOf(v))));
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(body.append('}').toString());
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
