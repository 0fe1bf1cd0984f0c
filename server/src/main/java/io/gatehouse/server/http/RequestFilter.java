package io.gatehouse.server.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
    // The same headers on every response: built and validated once, with their wire bytes cached by Helidon.
    private static final Header NOSNIFF = ConstantHeader.of(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
    private static final Header REFERRER_POLICY = ConstantHeader.of("Referrer-Policy", "no-referrer");
    private static final Header FRAME_OPTIONS = ConstantHeader.of("X-Frame-Options", "DENY");
    // The API serves JSON and YAML only: nothing may load or frame it.
    private static final Header CSP =
            ConstantHeader.of("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    // Auth responses carry credentials and health/metrics are live: nothing is cacheable by default;
    // a route that can be cached (the OpenAPI document) says so itself.
    private static final Header NO_STORE = ConstantHeader.of(HeaderNames.CACHE_CONTROL, "no-store");

    private final HttpSettings settings;
    private final RequestObserver observer;
    private final Header hsts;

    RequestFilter(HttpSettings settings, RequestObserver observer) {
        this.settings = settings;
        this.observer = observer;
        this.hsts = settings.hstsMaxAge().isZero()
                ? null
                : ConstantHeader.of(
                        HeaderNames.STRICT_TRANSPORT_SECURITY,
                        "max-age=" + settings.hstsMaxAge().toSeconds());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = req.headers()
                .first(REQUEST_ID)
                .filter(id -> CLIENT_ID.matcher(id).matches())
                .orElseGet(RequestFilter::newRequestId);
        Exchange exchange = new Exchange(
                requestId,
                settings.clientAddress().resolve(peer(req), values(req, FORWARDED), values(req, X_FORWARDED_FOR)));
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
            if (access.isInfoEnabled()) {
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
            }
            MDC.remove(Exchange.MDC_REQUEST_ID);
            MDC.remove(Exchange.MDC_USER_ID);
        }
    }

    /**
     * The comma-separated values of {@code name}, as {@code Headers.values}, which runs a stream pipeline even for
     * a header that is absent (as these are on most requests).
     */
    private static List<String> values(RoutingRequest req, HeaderName name) {
        return req.headers().contains(name) ? req.headers().values(name) : List.of();
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
        res.header(NOSNIFF);
        res.header(REFERRER_POLICY);
        res.header(FRAME_OPTIONS);
        res.header(CSP);
        res.header(NO_STORE);
        if (hsts != null) {
            res.header(hsts);
        }
    }

    /**
     * A random UUID as the request id when the client sent none. It correlates log lines and is no secret, so
     * it comes from {@link ThreadLocalRandom}: {@code UUID.randomUUID()} draws from the shared
     * {@code SecureRandom} under its lock on every request.
     */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
