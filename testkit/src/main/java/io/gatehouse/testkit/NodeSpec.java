package io.gatehouse.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 */
record NodeSpec(NodeKind kind, int port, boolean tls, List<String> config, List<String> cliArgs) {

  static NodeSpec server(int port) {
    return new NodeSpec(NodeKind.SERVER, port, false, List.of(), List.of());
  }

  static NodeSpec sentinel(int port) {
    return new NodeSpec(NodeKind.SENTINEL, port, false, List.of(), List.of());
  }

  NodeSpec withConfig(String... lines) {
    List<String> all = new ArrayList<>(config);
    all.addAll(Arrays.asList(lines));
    return new NodeSpec(kind, port, tls, List.copyOf(all), cliArgs);
  }

  NodeSpec withTls(List<String> connectionArgs) {
    return new NodeSpec(kind, port, true, config, List.copyOf(connectionArgs));
  }

  /** The full config file for a node living in {@code dir}. */
  String render(Path dir) {
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

  /** Redis config quoting, so paths with spaces (e.g. some tmpdirs) survive. */
  static String quote(Path path) {
    return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
