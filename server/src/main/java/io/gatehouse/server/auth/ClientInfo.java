package io.gatehouse.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * What the server knows about the client of a request: its address (the TCP peer; Gatehouse does not
 * trust {@code X-Forwarded-For}, so behind a proxy every request counts against the proxy's address
 * unless the proxy is made transparent) and its user agent.
 *
 * @param ip        the peer address as a literal, without an IPv6 scope
 * @param userAgent the {@code User-Agent} header, if sent
 */
public record ClientInfo(String ip, Optional<String> userAgent) {

    public static ClientInfo of(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        String ip;
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            ip = inet.getAddress().getHostAddress();
            int scope = ip.indexOf('%');
            if (scope >= 0) {
                ip = ip.substring(0, scope);
            }
        } else {
            ip = "0.0.0.0";
        }
        Optional<String> ua = req.headers().first(HeaderNames.USER_AGENT).map(String::strip).filter(s -> !s.isEmpty());
        return new ClientInfo(ip, ua);
    }
}
