package io.gatehouse.backup;

import io.gatehouse.config.HostAndPort;
import io.gatehouse.config.RedisEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes to snapshot for a deployment: the server (standalone); a healthy replica the Sentinels
 * know, else the master (Sentinel), so the master does not pay for the fork; every master (Cluster),
 * since each holds its own slots.
 */
final class Sources {
    private Sources() {}

    /** A node to read a snapshot from, with what {@code INFO} said about it. */
    record Node(HostAndPort address, String role, String redisVersion) {}

    static List<Node> resolve(RedisEndpoint endpoint, RedisCli cli) {
        List<HostAndPort> nodes = switch (endpoint.mode()) {
            case STANDALONE -> List.of(endpoint.nodes().get(0));
            case SENTINEL -> List.of(sentinelPick(endpoint, cli));
            case CLUSTER -> clusterMasters(endpoint, cli);
        };
        return nodes.stream().map(n -> describe(n, cli)).toList();
    }

    private static Node describe(HostAndPort node, RedisCli cli) {
        Map<String, String> info = new HashMap<>();
        for (String line : cli.data(node, "INFO", "replication")) {
            int i = line.indexOf(':');
            if (i > 0) {
                info.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        for (String line : cli.data(node, "INFO", "server")) {
            if (line.startsWith("redis_version:")) {
                info.put(
                        "redis_version",
                        line.substring("redis_version:".length()).trim());
            }
        }
        return new Node(node, info.getOrDefault("role", "unknown"), info.getOrDefault("redis_version", "unknown"));
    }

    private static HostAndPort sentinelPick(RedisEndpoint endpoint, RedisCli cli) {
        String master = endpoint.sentinelMaster().orElseThrow();
        BackupException last = null;
        for (HostAndPort sentinel : endpoint.nodes()) {
            try {
                for (Map<String, String> r : maps(cli.sentinel(sentinel, "SENTINEL", "REPLICAS", master))) {
                    if ("slave".equals(r.get("flags")) && "ok".equals(r.get("master-link-status"))) {
                        return new HostAndPort(r.get("ip"), Integer.parseInt(r.get("port")));
                    }
                }
                List<String> addr = cli.sentinel(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", master);
                if (addr.size() >= 2) {
                    return new HostAndPort(addr.get(0), Integer.parseInt(addr.get(1)));
                }
            } catch (BackupException e) {
                last = e;
            }
        }
        throw new BackupException(endpoint.redactedUrl() + ": no Sentinel knows master " + master
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    /** Redis prints a list of maps as alternating field and value lines; each map starts with "name". */
    private static List<Map<String, String>> maps(List<String> lines) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> cur = null;
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            if (lines.get(i).equals("name") || cur == null) {
                cur = new LinkedHashMap<>();
                out.add(cur);
            }
            cur.put(lines.get(i), lines.get(i + 1));
        }
        return out;
    }

    private static List<HostAndPort> clusterMasters(RedisEndpoint endpoint, RedisCli cli) {
        BackupException last = null;
        for (HostAndPort seed : endpoint.nodes()) {
            try {
                List<HostAndPort> masters = new ArrayList<>();
                for (String line : cli.data(seed, "CLUSTER", "NODES")) {
                    String[] f = line.split(" ");
                    if (f.length >= 8 && f[2].contains("master") && !f[2].contains("fail") && f.length > 8) {
                        String addr = f[1].split("[@,]")[0];
                        int colon = addr.lastIndexOf(':');
                        masters.add(
                                new HostAndPort(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))));
                    }
                }
                if (!masters.isEmpty()) {
                    return masters.stream()
                            .sorted((a, b) -> a.toString().compareTo(b.toString()))
                            .toList();
                }
            } catch (BackupException e) {
                last = e;
            }
        }
        throw new BackupException(endpoint.redactedUrl() + ": no Cluster node listed its masters"
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }
}
