package io.gatehouse.config;

/** One Redis (or Sentinel) address. */
public record HostAndPort(String host, int port) {
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
