package io.gatehouse.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Errors Helidon answers before routing (an unparsable request line or header, a body over the size limit
 * announced by {@code Content-Length}): still problem details, still no internals. The message Helidon
 * passes may quote the request, so it is not used.
 */
final class ProblemDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status status,
            ServerResponseHeaders headers,
            String message) {
        int code = status.code();
        String detail = switch (eventType) {
            case PAYLOAD_TOO_LARGE -> "the request body is too large";
            case BAD_REQUEST -> "the request could not be parsed";
            case HTTP_VERSION_NOT_SUPPORTED -> "use HTTP/1.1";
            default -> code >= 500 ? "an unexpected error occurred" : null;
        };
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(
                    Problem.of(code, status.reasonPhrase(), detail).body(null));
        } catch (JsonProcessingException e) {
            body = new byte[0];
        }
        headers.set(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        headers.set(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(body)
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
