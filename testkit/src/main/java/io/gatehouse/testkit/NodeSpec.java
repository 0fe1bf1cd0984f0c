package io.gatehouse.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to start: program, port, extra config lines, and the redis-cli flags needed to reach it.
 * Everything goes into a config file (not command-line flags) because ACL lines cannot be flags and
 * because {@link RedisNode#restart()} must start with exactly the same configuration.
 *
 * @param kind server or sentinel
 * @param port TCP port, or the TLS port when {@code tls} is set
 * @param tls whether the port is a {@code tls-port} (plain TCP is then disabled)
 * @param config topology-specific config lines, appended after the common ones
 * @param cliArgs redis-cli connection flags (TLS files, user, password), without host and port
 * @param shipped whether the config file is {@code deploy/redis/redis.conf} ({@link
 *     ShippedRedisConfig}), {@code config} then only replacing its templated directives
 * @param files more files to write into the node's directory (name to content), such as the ACL
 */
record NodeSpec(
        NodeKind kind,
        int port,
        boolean tls,
        List<String> config,
        List<String> cliArgs,
        boolean shipped,
        Map<String, String> files) {

    /** The ACL file name in a node's directory, for shipped nodes. */
    static final String ACL_FILE = "users.acl";

    static NodeSpec server(int port) {
        return new NodeSpec(NodeKind.SERVER, port, false, List.of(), List.of(), false, Map.of());
    }

    static NodeSpec sentinel(int port) {
        return new NodeSpec(NodeKind.SENTINEL, port, false, List.of(), List.of(), false, Map.of());
    }

    /**
     * A TLS server from the shipped {@code redis.conf} and the given ACL file content; the config
     * lines added later may set only {@link ShippedRedisConfig#TEMPLATED} directives.
     */
    static NodeSpec shippedTlsServer(int port, String usersAcl, List<String> connectionArgs) {
        return new NodeSpec(
                NodeKind.SERVER, port, true, List.of(), List.copyOf(connectionArgs), true, Map.of(ACL_FILE, usersAcl));
    }

    NodeSpec withConfig(String... lines) {
        List<String> all = new ArrayList<>(config);
        all.addAll(Arrays.asList(lines));
        return new NodeSpec(kind, port, tls, List.copyOf(all), cliArgs, shipped, files);
    }

    NodeSpec withTls(List<String> connectionArgs) {
        return new NodeSpec(kind, port, true, config, List.copyOf(connectionArgs), shipped, files);
    }

    /** The full config file for a node living in {@code dir}. */
    String render(Path dir) {
        if (shipped) {
            return renderShipped(dir);
        }
        List<String> lines = new ArrayList<>();
        if (tls) {
            lines.add("port 0");
            lines.add("tls-port " + port);
        } else {
            lines.add("port " + port);
        }
        lines.add("bind " + RedisNode.HOST);
        lines.add("daemonize no");
        lines.add("dir " + quote(dir));
        lines.add("logfile " + quote(dir.resolve(LogTail.LOG_FILE)));
        if (kind == NodeKind.SERVER) {
            // Tests need no persistence, and fork-based saves would only slow them down.
            lines.add("save \"\"");
            lines.add("appendonly no");
        }
        lines.addAll(config);
        return String.join("\n", lines) + "\n";
    }

    private String renderShipped(Path dir) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("port", "0");
        overrides.put("tls-port", Integer.toString(port));
        overrides.put("bind", RedisNode.HOST);
        overrides.put("dir", quote(dir));
        overrides.put("logfile", quote(dir.resolve(LogTail.LOG_FILE)));
        overrides.put("pidfile", quote(dir.resolve("redis.pid")));
        overrides.put("aclfile", quote(dir.resolve(ACL_FILE)));
        for (String line : config) {
            int space = line.indexOf(' ');
            overrides.put(line.substring(0, space), line.substring(space + 1));
        }
        return ShippedRedisConfig.render(overrides);
    }

    /** Redis config quoting, so paths with spaces (e.g. some tmpdirs) survive. */
    static String quote(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
