package io.gatehouse.server.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs around every request: assigns the request id (a client's {@code X-Request-Id} is kept if it is a
 * plain token, else a UUID is made, so nothing odd reaches the logs), puts it in the MDC and the response,
 * sets the security headers, answers CORS preflights, then writes one access-log line and tells the
 * {@link RequestObserver}. The access log has the raw path without the query string (queries can carry
 * tokens) and never a header or body.
 */
final class RequestFilter implements Filter {
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final HeaderName FORWARDED = HeaderNames.create("Forwarded");
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final Logger access = LoggerFactory.getLogger("io.gatehouse.server.access");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");

    private final HttpSettings settings;
    private final RequestObserver observer;

    RequestFilter(HttpSettings settings, RequestObserver observer) {
        this.settings = settings;
        this.observer = observer;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = req.headers()
                .first(REQUEST_ID)
                .filter(id -> CLIENT_ID.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
        Exchange exchange = new Exchange(
                requestId,
                settings.clientAddress()
                        .resolve(
                                peer(req),
                                req.headers().values(FORWARDED),
                                req.headers().values(X_FORWARDED_FOR)));
        req.context().register(exchange);
        MDC.put(Exchange.MDC_REQUEST_ID, requestId);
        String method = METHODS.contains(req.prologue().method().text())
                ? req.prologue().method().text()
                : "OTHER";
        try {
            res.header(REQUEST_ID, requestId);
            securityHeaders(res);
            if (Cors.handle(settings.cors(), req, res)) {
                exchange.route("preflight");
                return;
            }
            chain.proceed();
        } finally {
            long nanos = System.nanoTime() - start;
            int status = res.status().code();
            observer.completed(method, exchange.route(), status, nanos);
            // A path parameter can be a session id (a bearer secret in the session model): log the template.
            String path = exchange.route().indexOf('{') >= 0
                    ? exchange.route()
                    : req.path().rawPath();
            access.info(
                    "{} {} {}",
                    method,
                    path.length() > 200 ? path.substring(0, 200) + "..." : path,
                    status,
                    kv("route", exchange.route()),
                    kv("status", status),
                    kv("duration_ms", nanos / 1_000_000.0));
            MDC.remove(Exchange.MDC_REQUEST_ID);
            MDC.remove(Exchange.MDC_USER_ID);
        }
    }

    /** The TCP peer as an address literal, without an IPv6 scope. */
    private static String peer(RoutingRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String ip = inet.getAddress().getHostAddress();
            int scope = ip.indexOf('%');
            return scope >= 0 ? ip.substring(0, scope) : ip;
        }
        return "0.0.0.0";
    }

    private void securityHeaders(RoutingResponse res) {
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Frame-Options", "DENY");
        // The API serves JSON and YAML only: nothing may load or frame it.
        res.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        // Auth responses carry credentials and health/metrics are live: nothing is cacheable by default;
        // a route that can be cached (the OpenAPI document) says so itself.
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (!settings.hstsMaxAge().isZero()) {
            res.header(
                    HeaderNames.STRICT_TRANSPORT_SECURITY,
                    "max-age=" + settings.hstsMaxAge().toSeconds());
        }
    }
}
