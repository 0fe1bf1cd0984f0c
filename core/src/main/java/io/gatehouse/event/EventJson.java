package io.gatehouse.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of an event, one line, as written to the spool and to exports:
 * {@code {"id":..,"time":"2025-01-01T00:00:00Z","type":"login_failure","severity":"warning","user":..,
 * "session":..,"ip":..,"user_agent":..,"reason":..,"details":{..}}}; absent fields are left out.
 * Jackson's streaming API escapes control characters, so a line never contains a raw newline.
 */
final class EventJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJson() {}

    static String write(SecurityEvent e) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("id", e.id());
            g.writeStringField("time", e.time().toString());
            g.writeStringField("type", e.type().code());
            g.writeStringField("severity", severity(e.severity()));
            optional(g, "user", e.user().orElse(null));
            optional(g, "session", e.session().orElse(null));
            optional(g, "ip", e.ip().orElse(null));
            optional(g, "user_agent", e.userAgent().orElse(null));
            optional(g, "reason", e.reason().orElse(null));
            if (!e.details().isEmpty()) {
                g.writeObjectFieldStart("details");
                for (Map.Entry<String, String> d : e.details().entrySet()) {
                    g.writeStringField(d.getKey(), d.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    static String severity(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static Severity severity(String s) {
        return Severity.valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Parses one line; a malformed line is an {@link IllegalArgumentException}. */
    static SecurityEvent read(String line) {
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Map<String, String> f = new LinkedHashMap<>();
            Map<String, String> details = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("details".equals(name) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        p.nextToken();
                        details.put(k, p.getText());
                    }
                } else {
                    f.put(name, p.getText());
                }
            }
            return fromFields(
                    f.get("id"),
                    f.get("time") == null ? null : Instant.parse(f.get("time")),
                    f.get("type"),
                    f.get("severity"),
                    f.get("user"),
                    f.get("session"),
                    f.get("ip"),
                    f.get("user_agent"),
                    f.get("reason"),
                    details);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed event line: " + e.getMessage(), e);
        }
    }

    /** Details as a compact JSON object ({@code ""} when there are none), for the stream field {@code d}. */
    static String details(Map<String, String> details) {
        if (details.isEmpty()) {
            return "";
        }
        StringWriter w = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            for (Map.Entry<String, String> d : details.entrySet()) {
                g.writeStringField(d.getKey(), d.getValue());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    static Map<String, String> details(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                out.put(k, p.getText());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed event details: " + e.getMessage(), e);
        }
        return out;
    }

    /** An event from stored fields; empty strings mean absent. */
    static SecurityEvent fromFields(
            String id,
            Instant time,
            String type,
            String severity,
            String user,
            String session,
            String ip,
            String userAgent,
            String reason,
            Map<String, String> details) {
        SecurityEvent.Builder b =
                SecurityEvent.builder(EventType.of(type)).id(id).time(time).severity(severity(severity));
        if (present(user)) {
            b.user(user);
        }
        if (present(session)) {
            b.session(session);
        }
        if (present(ip)) {
            b.ip(ip);
        }
        if (present(userAgent)) {
            b.userAgent(userAgent);
        }
        if (present(reason)) {
            b.reason(reason);
        }
        return b.details(details).build();
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
