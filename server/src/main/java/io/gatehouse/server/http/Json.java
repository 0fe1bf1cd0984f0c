package io.gatehouse.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * JSON in and out. Request bodies are read with a hard size limit, must be {@code application/json}
 * (UTF-8), and must be one JSON object; anything else is a 4xx problem, never a 5xx. Parser errors are
 * reported by position only: the source text is never quoted back (it may hold a password).
 */
public final class Json {
    /** Shared, thread-safe mapper: strict parsing, no source excerpts in error messages. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Header CONTENT_TYPE_JSON = ConstantHeader.of(HeaderValues.CONTENT_TYPE_JSON);

    private Json() {}

    /** Writes {@code body} as JSON with {@code status} and {@code contentType} (a {@link ConstantHeader}). */
    static void send(ServerResponse res, int status, Header contentType, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        res.status(Status.create(status));
        res.header(contentType);
        res.send(bytes);
    }

    /** Writes {@code body} as {@code application/json}. */
    public static void send(ServerResponse res, int status, Object body) {
        send(res, status, CONTENT_TYPE_JSON, body);
    }

    /**
     * The members of one JSON object, written straight to a generator. The hot answers (introspection, the
     * token pair of login and refresh) use it instead of a map for {@link #send}: no map, no boxing, no
     * serializer look-up per value (the map's serialisation was 11 % of introspection's CPU in the JFR profile).
     */
    @FunctionalInterface
    public interface Members {
        void write(JsonGenerator g) throws IOException;

        /** These members, then {@code more}. */
        default Members and(Members more) {
            return g -> {
                write(g);
                more.write(g);
            };
        }
    }

    /** Writes one JSON object of {@code members} as {@code application/json}. */
    public static void sendObject(ServerResponse res, int status, Members members) {
        sendBytes(res, status, objectBytes(members));
    }

    /** The UTF-8 bytes of one JSON object of {@code members}. */
    public static byte[] objectBytes(Members members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            members.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes {@code json}, the bytes of a JSON document, as {@code application/json}. */
    public static void sendBytes(ServerResponse res, int status, byte[] json) {
        res.status(Status.create(status));
        res.header(CONTENT_TYPE_JSON);
        res.send(json);
    }

    /** Writes the string member {@code name}. */
    public static void writeString(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    /** Writes {@code values} as the array member {@code name}. */
    public static void writeStrings(JsonGenerator g, SerializableString name, Collection<String> values)
            throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /**
     * Reads the request body as one JSON object of at most {@code maxBytes}.
     *
     * @throws ProblemException 415 (not JSON), 413 (too large), 400 (empty, malformed, not an object)
     */
    public static ObjectNode readObject(ServerRequest req, long maxBytes) {
        requireJsonContentType(req);
        byte[] body;
        try {
            body = RequestBody.read(req, maxBytes);
        } catch (IOException e) {
            throw ProblemException.badRequest("the request body could not be read");
        }
        if (body.length == 0) {
            throw ProblemException.badRequest("a JSON object is required as the request body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw ProblemException.badRequest("the request body is not valid JSON"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ProblemException.badRequest("the request body is not valid UTF-8 JSON");
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("the request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static void requireJsonContentType(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        boolean json = type.map(t -> {
                    String sub = t.mediaType().subtype().toLowerCase(Locale.ROOT);
                    boolean jsonType = t.mediaType().type().equalsIgnoreCase("application")
                            && (sub.equals("json") || sub.endsWith("+json"));
                    boolean utf8 =
                            t.charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true);
                    return jsonType && utf8;
                })
                .orElse(false);
        if (!json) {
            throw new ProblemException(
                    Problem.of(415, "Unsupported Media Type", "send the body as application/json (UTF-8)"),
                    java.util.Map.of("Accept-Post", "application/json"));
        }
    }

    /** A required string member; 400 with the field named when absent or of another type. */
    public static String requiredString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw invalidField(field, "is required");
        }
        if (!v.isTextual()) {
            throw invalidField(field, "must be a string");
        }
        return v.textValue();
    }

    /** A string member, null when absent or JSON null (the caller reports it as missing); 400 when of another type. */
    public static String stringOrNull(ObjectNode body, String field) {
        return optionalString(body, field).orElse(null);
    }

    /** An optional string member (absent or null is empty); 400 when of another type. */
    public static Optional<String> optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalidField(field, "must be a string");
        }
        return Optional.of(v.textValue());
    }

    /** 400 naming one field, in the same shape as validation errors. */
    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(
                Problem.typed("validation", 400, "Invalid request", "the request has invalid fields")
                        .with("errors", java.util.List.of(java.util.Map.of("field", field, "message", message))));
    }
}
