package io.gatehouse.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** Writes problem responses (RFC 9457) with the request id as an extension member. */
public final class Responses {
    private Responses() {}

    /** Sends {@code problem} with its headers, unless a response was already sent. */
    public static void problem(ServerRequest req, ServerResponse res, Problem problem, Map<String, String> headers) {
        if (res.isSent()) {
            return;
        }
        headers.forEach(res::header);
        String requestId =
                req.context().get(Exchange.class).map(Exchange::requestId).orElse(null);
        Problem withId = requestId == null ? problem : problem.with("request_id", requestId);
        Json.send(res, problem.status(), Problem.CONTENT_TYPE, withId.body(null));
    }
}
