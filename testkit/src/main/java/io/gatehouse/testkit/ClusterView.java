package io.gatehouse.testkit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a freshly created cluster has converged: every node reports
 * {@code cluster_state:ok} and the same masters owning the same slots, covering all 16384, with no
 * node flagged as failing or still in handshake. Clients that connect earlier may see a partial
 * topology, so the deployment is not handed out before that.
 */
final class ClusterView {
    static final int SLOTS = 16384;

    private ClusterView() {}

    /** Null when converged, otherwise what is still missing (every node a master). */
    static String problem(List<RedisNode> nodes) {
        return problem(nodes, nodes.size());
    }

    /** Null when every node agrees on {@code masters} masters owning all slots. */
    static String problem(List<RedisNode> nodes, int masters) {
        Map<String, String> reference = null;
        for (RedisNode node : nodes) {
            String state = Replies.infoFields(node.cli("CLUSTER", "INFO")).get("cluster_state");
            if (!"ok".equals(state)) {
                return node + " reports cluster_state:" + state;
            }
            Map<String, String> slotsByMaster = new TreeMap<>();
            String problem = parseNodes(node.cli("CLUSTER", "NODES"), slotsByMaster);
            if (problem != null) {
                return node + ": " + problem;
            }
            if (slotsByMaster.size() != masters) {
                return node + " knows " + slotsByMaster.size() + " masters, expected " + masters;
            }
            if (reference == null) {
                reference = slotsByMaster;
            } else if (!reference.equals(slotsByMaster)) {
                return node + " disagrees about slot owners: " + slotsByMaster + " vs " + reference;
            }
        }
        return null;
    }

    /**
     * The ports of the nodes a CLUSTER NODES reply names as masters with slots and not failed, for
     * finding the masters after a failover.
     */
    static java.util.Set<Integer> masterPorts(String reply) {
        java.util.Set<Integer> ports = new java.util.TreeSet<>();
        for (String line : reply.split("\\R")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                continue;
            }
            String address = fields[1];
            int colon = address.lastIndexOf(':');
            int at = address.indexOf('@');
            ports.add(Integer.parseInt(address.substring(colon + 1, at > colon ? at : address.length())));
        }
        return ports;
    }

    /** Fills master id to slot ranges from a CLUSTER NODES reply; returns a problem or null. */
    private static String parseNodes(String reply, Map<String, String> slotsByMaster) {
        int covered = 0;
        for (String line : reply.split("\\R")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 8) {
                continue;
            }
            String flags = fields[2];
            if (flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr")) {
                return "node " + fields[1] + " has flags " + flags;
            }
            if (!flags.contains("master")) {
                continue;
            }
            StringBuilder ranges = new StringBuilder();
            for (int i = 8; i < fields.length; i++) {
                ranges.append(fields[i]).append(' ');
                covered += slotCount(fields[i]);
            }
            slotsByMaster.put(fields[0], ranges.toString().trim());
        }
        return covered == SLOTS ? null : "slots cover " + covered + " of " + SLOTS;
    }

    /** "0-5460" or "5461"; importing/migrating markers ("[...]") own nothing yet. */
    private static int slotCount(String range) {
        if (range.startsWith("[")) {
            return 0;
        }
        int dash = range.indexOf('-');
        if (dash < 0) {
            return 1;
        }
        int first = Integer.parseInt(range.substring(0, dash));
        return Integer.parseInt(range.substring(dash + 1)) - first + 1;
    }
}
