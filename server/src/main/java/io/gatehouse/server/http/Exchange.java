package io.gatehouse.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Per-request facts the filter and the handlers share: the request id, the matched route template (for
 * metrics and the access log) and, once known, the user id. Registered in the request's Helidon context.
 */
public final class Exchange {
    /** MDC key of the request id in every log line written while the request runs. */
    public static final String MDC_REQUEST_ID = "request_id";
    /** MDC key of the authenticated (or just registered) user. */
    public static final String MDC_USER_ID = "user_id";
    /** The route label of requests no route matched (bounded metric cardinality). */
    public static final String UNMATCHED = "unmatched";

    private final String requestId;
    private volatile String route = UNMATCHED;
    private volatile String userId;
    private final String clientIp;

    Exchange(String requestId, String clientIp) {
        this.requestId = requestId;
        this.clientIp = clientIp;
    }

    /** The exchange of {@code req}; every request passing the filter has one. */
    public static Exchange of(ServerRequest req) {
        return req.context().get(Exchange.class).orElseThrow(() -> new IllegalStateException("no request filter ran"));
    }

    public String requestId() {
        return requestId;
    }

    /** The client's address: the TCP peer, or what trusted proxies forwarded (see {@link ClientAddress}). */
    public String clientIp() {
        return clientIp;
    }

    /** The route template ({@code /api/v1/sessions/{id}}), or {@value #UNMATCHED}. */
    public String route() {
        return route;
    }

    void route(String template) {
        this.route = template;
    }

    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /** Records who the request acts for; later log lines of this request carry it. */
    public void userId(String id) {
        this.userId = id;
        MDC.put(MDC_USER_ID, id);
    }
}
