package io.gatehouse.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses Gatehouse's Redis URLs. {@link java.net.URI} cannot hold the comma-separated host lists of
 * Sentinel and Cluster URLs, so this reads them by hand; every error names the key it came from.
 */
final class RedisUrls {

    /** The parts of a URL before settings from other keys are merged in. */
    record Parsed(
            RedisMode mode,
            boolean tls,
            List<HostAndPort> nodes,
            Optional<String> master,
            int database,
            Optional<String> username,
            Optional<String> password) {}

    private RedisUrls() {}

    static Parsed parse(String key, String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new ConfigException(
                    key,
                    key + " = '" + redact(url) + "' is not a Redis URL: expected "
                            + "redis://host:port, rediss://host:port, redis-sentinel://host:port,...#master or "
                            + "redis-cluster://host:port,host:port,...");
        }
        String scheme = url.substring(0, schemeEnd);
        RedisMode mode;
        boolean tls;
        switch (scheme) {
            case "redis" -> {
                mode = RedisMode.STANDALONE;
                tls = false;
            }
            case "rediss" -> {
                mode = RedisMode.STANDALONE;
                tls = true;
            }
            case "redis-sentinel" -> {
                mode = RedisMode.SENTINEL;
                tls = false;
            }
            case "rediss-sentinel" -> {
                mode = RedisMode.SENTINEL;
                tls = true;
            }
            case "redis-cluster" -> {
                mode = RedisMode.CLUSTER;
                tls = false;
            }
            case "rediss-cluster" -> {
                mode = RedisMode.CLUSTER;
                tls = true;
            }
            default ->
                throw new ConfigException(
                        key,
                        key + " has the unknown scheme '" + scheme
                                + "'; use redis://, rediss:// (TLS), redis-sentinel://, rediss-sentinel://, "
                                + "redis-cluster:// or rediss-cluster://");
        }
        String rest = url.substring(schemeEnd + 3);

        Optional<String> master = Optional.empty();
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            master = Optional.of(decode(rest.substring(hash + 1))).filter(s -> !s.isBlank());
            rest = rest.substring(0, hash);
        }
        Optional<String> username = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                username = Optional.of(decode(userInfo.substring(0, colon))).filter(s -> !s.isEmpty());
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            } else if (!userInfo.isEmpty()) {
                password = Optional.of(decode(userInfo));
            }
        }
        int database = 0;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!db.isEmpty()) {
                if (mode == RedisMode.CLUSTER) {
                    throw new ConfigException(key, key + ": Redis Cluster has only database 0; remove '/" + db + "'");
                }
                try {
                    database = Integer.parseInt(db);
                } catch (NumberFormatException e) {
                    throw new ConfigException(key, key + ": the database '" + db + "' is not a number");
                }
            }
        }
        int defaultPort = mode == RedisMode.SENTINEL ? 26379 : 6379;
        List<HostAndPort> nodes = new ArrayList<>();
        for (String part : rest.split(",")) {
            if (!part.isBlank()) {
                nodes.add(hostAndPort(key, part.trim(), defaultPort));
            }
        }
        if (nodes.isEmpty()) {
            throw new ConfigException(key, key + " = '" + redact(url) + "' names no host");
        }
        if (mode == RedisMode.STANDALONE && nodes.size() > 1) {
            throw new ConfigException(
                    key,
                    key + " lists " + nodes.size() + " hosts; a standalone URL takes one "
                            + "(use redis-sentinel:// or redis-cluster:// for several)");
        }
        if (mode == RedisMode.SENTINEL && master.isEmpty()) {
            throw new ConfigException(
                    key,
                    key + ": a Sentinel URL needs the master name after '#', for example "
                            + "redis-sentinel://127.0.0.1:26379#mymaster");
        }
        if (mode != RedisMode.SENTINEL && master.isPresent()) {
            throw new ConfigException(
                    key,
                    key + ": '#" + master.get() + "' (a Sentinel master name) "
                            + "only makes sense with redis-sentinel://");
        }
        return new Parsed(mode, tls, nodes, master, database, username, password);
    }

    private static HostAndPort hostAndPort(String key, String part, int defaultPort) {
        String host;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key, key + ": '" + part + "' opens an IPv6 bracket it does not close");
            }
            host = part.substring(1, close);
            if (part.length() > close + 1) {
                if (part.charAt(close + 1) != ':') {
                    throw new ConfigException(key, key + ": cannot read the address '" + part + "'");
                }
                port = part.substring(close + 2);
            }
        } else {
            int colon = part.lastIndexOf(':');
            host = colon >= 0 ? part.substring(0, colon) : part;
            port = colon >= 0 ? part.substring(colon + 1) : null;
        }
        if (host.isBlank() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new ConfigException(key, key + ": '" + host + "' is not a host name or address");
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw new ConfigException(
                        key, key + ": the port '" + port + "' of " + host + " is not a number from 1 to 65535");
            }
        }
        return new HostAndPort(host, p);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced, for error messages. */
    static String redact(String url) {
        return url.replaceAll("(://[^/@#]*?:)[^/@#]*@", "$1***@").replaceAll("(://)([^:/@#]+)@", "$1***@");
    }
}
