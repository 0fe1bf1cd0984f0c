package io.gatehouse.redis;

import io.gatehouse.config.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/*
 * Reads what a deployment would do to an acknowledged write, from the INFO sections persistence,
 * memory and replication of each master (no CONFIG GET: the production ACL may not allow it).
 *
 * - No AOF and no connected replica: a restart loses everything since the last RDB snapshot (or all
 *   of it without one). An RDB file alone is not counted as persistence: it lags by minutes.
 * - A maxmemory limit with a policy other than noeviction: Redis may drop a revocation or a session
 *   end silently to make room, which undoes it. Every Gatehouse key has a TTL, so even volatile-*
 *   policies apply to them.
 * - Replicated durability with fewer connected replicas than required: every security write will
 *   fail until replicas come back.
 */
final class DeploymentCheck {
    private DeploymentCheck() {}

    /**
     * Whether a deployment serving these purposes holds state whose loss undoes a security decision
     * ({@code gatehouse} is the label of a connector opened for every purpose).
     */
    static boolean guardsSecurityState(String purposes) {
        for (String p : purposes.split(",")) {
            if (p.equals("tokens") || p.equals("sessions") || p.equals("gatehouse")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param masters the parsed {@code INFO} of every master (one unless Cluster)
     * @return one sentence per way acknowledged writes could be lost; empty when none was found
     */
    static List<String> risks(List<Map<String, String>> masters, Durability durability) {
        List<String> risks = new ArrayList<>();
        for (Map<String, String> info : masters) {
            String node = masters.size() > 1 ? " on master " + info.getOrDefault("tcp_port", "?") : "";
            long replicas = number(info, "connected_slaves");
            boolean aof = "1".equals(info.get("aof_enabled"));
            if (!aof && replicas == 0) {
                risks.add("no persistence and no replica" + node + " (aof_enabled:0, connected_slaves:0):"
                        + " a restart loses every acknowledged revocation and session end since the last snapshot");
            }
            String policy = info.getOrDefault("maxmemory_policy", "noeviction");
            if (number(info, "maxmemory") > 0 && !"noeviction".equals(policy)) {
                risks.add("maxmemory-policy " + policy + node + " may evict revocations and sessions when memory"
                        + " is full; use noeviction (writes then fail with a clear error instead)");
            }
            if (durability.replicated() && replicas < durability.replicas()) {
                risks.add("durability replicated needs " + durability.replicas() + " replica(s) but " + replicas
                        + " are connected" + node + ": security writes fail until they are");
            }
        }
        return risks;
    }

    private static long number(Map<String, String> info, String key) {
        try {
            return Long.parseLong(info.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
