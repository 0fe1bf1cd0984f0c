package io.gatehouse.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    private Json() {}

    /** Writes {@code body} as JSON with {@code status}. */
    public static void send(ServerResponse res, int status, String contentType, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(bytes);
    }

    /** Writes {@code body} as {@code application/json}. */
    public static void send(ServerResponse res, int status, Object body) {
        send(res, status, "application/json", body);
    }

    /**
     * Reads the request body as one JSON object of at most {@code maxBytes}.
     *
     * @throws ProblemException 415 (not JSON), 413 (too large), 400 (empty, malformed, not an object)
     */
    public static ObjectNode readObject(ServerRequest req, long maxBytes) {
        requireJsonContentType(req);
        Optional<Long> declared = req.headers().contentLength().stream().boxed().findFirst();
        if (declared.isPresent() && declared.get() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
        } catch (IOException | UncheckedIOException e) {
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

    private static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(
                Problem.of(413, "Content Too Large", "the request body is larger than " + maxBytes + " bytes"));
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
