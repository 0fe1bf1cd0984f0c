package io.gatehouse.server.http;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP listener's settings, read from {@code gatehouse.server.*}.
 *
 * @param host         {@code gatehouse.server.host}, default {@code 127.0.0.1}: a fresh instance with default
 *                     settings is reachable from this machine only; set {@code 0.0.0.0} in a container or
 *                     behind a proxy on another host
 * @param port         {@code gatehouse.server.port}, default 8080; 0 picks a free port (logged at startup)
 * @param maxBodyBytes {@code gatehouse.server.max-body-size}, default 65536: larger request bodies get 413
 * @param hstsMaxAge   {@code gatehouse.server.hsts-max-age}: a positive value sends {@code Strict-Transport-Security};
 *                     default one year when {@code gatehouse.server.public-url} is https, else 0 (off)
 * @param cors         cross-origin settings
 * @param clientAddress which proxies' forwarding headers are believed ({@value ClientAddress#KEY})
 */
public record HttpSettings(
        String host, int port, long maxBodyBytes, Duration hstsMaxAge, Cors cors, ClientAddress clientAddress) {
    public static final String HOST_KEY = "gatehouse.server.host";
    public static final String PORT_KEY = "gatehouse.server.port";
    public static final String MAX_BODY_KEY = "gatehouse.server.max-body-size";
    public static final String HSTS_KEY = "gatehouse.server.hsts-max-age";
    /**
     * The response headers a browser page may read by default: the request id, and exactly the rate-limit
     * headers the server sends (IETF draft {@code RateLimit}/{@code RateLimit-Policy}, the common
     * {@code X-RateLimit-*}, {@code Retry-After}) and the Bearer challenge.
     */
    static final String DEFAULT_EXPOSED_HEADERS = "X-Request-Id,Retry-After,RateLimit,RateLimit-Policy,"
            + "X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,WWW-Authenticate";

    /**
     * CORS: off unless origins are listed.
     *
     * @param allowedOrigins   {@code gatehouse.server.cors.allowed-origins}: exact origins
     *                         ({@code https://app.example.com}) or {@code *}; empty turns CORS off
     * @param allowedMethods   {@code gatehouse.server.cors.allowed-methods}
     * @param allowedHeaders   {@code gatehouse.server.cors.allowed-headers}
     * @param exposedHeaders   {@code gatehouse.server.cors.exposed-headers}
     * @param allowCredentials {@code gatehouse.server.cors.allow-credentials} (not with {@code *})
     * @param maxAge           {@code gatehouse.server.cors.max-age}: how long browsers cache a preflight
     */
    public record Cors(
            List<String> allowedOrigins,
            List<String> allowedMethods,
            List<String> allowedHeaders,
            List<String> exposedHeaders,
            boolean allowCredentials,
            Duration maxAge) {
        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedMethods = List.copyOf(allowedMethods);
            allowedHeaders = List.copyOf(allowedHeaders);
            exposedHeaders = List.copyOf(exposedHeaders);
        }

        public boolean enabled() {
            return !allowedOrigins.isEmpty();
        }

        /** Whether a browser page from {@code origin} may call the API. */
        public boolean allows(String origin) {
            return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
        }
    }

    public static HttpSettings fromConfig(GatehouseConfig config) {
        String host = config.string(HOST_KEY, "127.0.0.1");
        long port = config.number(PORT_KEY, 8080);
        if (port < 0 || port > 65535) {
            throw new ConfigException(
                    PORT_KEY, PORT_KEY + " = " + port + " is not a TCP port (0..65535; 0 picks a free one)");
        }
        long maxBody = config.number(MAX_BODY_KEY, 65_536);
        if (maxBody < 1024 || maxBody > 64L * 1024 * 1024) {
            throw new ConfigException(
                    MAX_BODY_KEY, MAX_BODY_KEY + " = " + maxBody + " must be between 1024 and 67108864 bytes");
        }
        Duration hsts = config.duration(HSTS_KEY, Duration.ZERO);
        String prefix = "gatehouse.server.cors.";
        List<String> origins = list(config.string(prefix + "allowed-origins", ""));
        for (String o : origins) {
            if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                throw new ConfigException(
                        prefix + "allowed-origins",
                        prefix + "allowed-origins contains '" + o
                                + "': write origins as scheme://host[:port] without a path, or * for any");
            }
        }
        boolean credentials = config.flag(prefix + "allow-credentials", false);
        if (credentials && origins.contains("*")) {
            throw new ConfigException(
                    prefix + "allow-credentials",
                    prefix + "allow-credentials = true cannot be combined " + "with " + prefix
                            + "allowed-origins = * (browsers refuse it); list the origins instead");
        }
        Cors cors = new Cors(
                origins,
                list(config.string(prefix + "allowed-methods", "GET,POST,DELETE,OPTIONS")),
                list(config.string(prefix + "allowed-headers", "Authorization,Content-Type,X-Request-Id")),
                list(config.string(prefix + "exposed-headers", DEFAULT_EXPOSED_HEADERS)),
                credentials,
                config.duration(prefix + "max-age", Duration.ofMinutes(10)));
        return new HttpSettings(
                host, (int) port, maxBody, hsts, cors, ClientAddress.parse(config.string(ClientAddress.KEY, "")));
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
