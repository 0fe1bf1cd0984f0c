package io.gatehouse.server.auth;

import io.gatehouse.server.http.ClientAddress;
import io.gatehouse.server.http.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * What the server knows about the client of a request: its address (the TCP peer, or what a trusted proxy
 * forwarded: {@code gatehouse.server.trusted-proxies}, see {@link ClientAddress}) and its user agent.
 *
 * @param ip        the client address as a literal, without an IPv6 scope
 * @param userAgent the {@code User-Agent} header, if sent
 */
public record ClientInfo(String ip, Optional<String> userAgent) {

    public static ClientInfo of(ServerRequest req) {
        String ip = Exchange.of(req).clientIp();
        Optional<String> ua =
                req.headers().first(HeaderNames.USER_AGENT).map(String::strip).filter(s -> !s.isEmpty());
        return new ClientInfo(ip, ua);
    }

    /** The subject per-address rate limits and lockouts count this client under (an IPv6 /64 as one). */
    public String limitKey() {
        return ClientAddress.limitKey(ip);
    }
}
