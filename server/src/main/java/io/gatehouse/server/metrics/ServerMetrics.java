package io.gatehouse.server.metrics;

import io.gatehouse.cache.Caches;
import io.gatehouse.server.http.RequestObserver;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The server's meter registry. {@code http_server_requests_seconds} is labelled by method, route
 * <em>template</em> (never the raw path, so ids in paths cannot explode the series count), status and
 * outcome, with a histogram from 1 ms to 10 s for latency percentiles in Prometheus.
 */
public final class ServerMetrics implements RequestObserver, RouteGroup, AutoCloseable {
    /** Prometheus text exposition format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Requests slower than this count against the latency SLO (deploy/prometheus/rules.yml). */
    static final Duration SLO_LATENCY = Duration.ofMillis(250);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RedisMetrics redis = new RedisMetrics(registry);
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    /**
     * The request timers by method, route template and status, registered once each: building the meter id
     * (tags, their sorting and merging) and looking it up in the registry on every request was 7 % of
     * {@code /health/live}'s CPU in the JFR profile. Bounded like the series themselves (routes are templates).
     */
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private record TimerKey(String method, String route, int status) {}

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The Redis command latency listener to open the stores with, and the circuit gauges. */
    public RedisMetrics redis() {
        return redis;
    }

    /** Where capabilities register their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void completed(String method, String route, int status, long nanos) {
        TimerKey key = new TimerKey(method, route, status);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> requestTimer(k.method(), k.route(), k.status()));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer requestTimer(String method, String route, int status) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests by route template and status")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .tag("outcome", outcome(status))
                .publishPercentileHistogram()
                // The latency SLO's threshold as an exact bucket (le="0.25"), see deploy/prometheus.
                .serviceLevelObjectives(SLO_LATENCY)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    /** Counters of every cache made by {@code caches}, now and later, labelled by cache name. */
    public void bind(Caches caches) {
        CacheMetrics metrics = new CacheMetrics(caches, registry);
        beforeScrape.add(metrics::registerNew);
    }

    /** The current values in the Prometheus text format. */
    public String scrape() {
        beforeScrape.forEach(Runnable::run);
        return registry.scrape();
    }

    @Override
    public void register(Routes routes) {
        routes(UnaryOperator.identity()).register(routes);
    }

    /** {@code GET /metrics} behind {@code access} (the monitor access check). */
    public RouteGroup routes(UnaryOperator<Handler> access) {
        return routes -> routes.get("/metrics", access.apply((req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.send(scrape());
        }));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
