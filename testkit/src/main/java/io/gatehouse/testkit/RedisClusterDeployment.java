package io.gatehouse.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of 3 masters, without replicas ({@link #start()}) or with some per master
 * ({@link #start(int)}), each node with its own cluster bus port.
 */
public final class RedisClusterDeployment implements RedisDeployment {
    private static final int MASTERS = 3;
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(20);

    private final List<RedisNode> nodes;
    private final boolean replicated;

    private RedisClusterDeployment(List<RedisNode> nodes, boolean replicated) {
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
        this.replicated = replicated;
    }

    /**
     * Starts 3 cluster-enabled servers in parallel, creates the cluster with
     * {@code redis-cli --cluster create ... --cluster-replicas 0}, and returns once every node
     * reports {@code cluster_state:ok} and all agree on who owns all 16384 slots (about 2 s: Redis
     * delays the first {@code ok} after startup).
     *
     * @return the running cluster
     */
    public static RedisClusterDeployment start() {
        return start(0);
    }

    /**
     * Starts 3 masters with {@code replicasPerMaster} replicas each ({@code --cluster-replicas}), for
     * tests that kill a master and watch its replica take over (after the 5 s node timeout).
     *
     * @param replicasPerMaster replicas of each master, 0 or more
     * @return the running cluster
     */
    public static RedisClusterDeployment start(int replicasPerMaster) {
        List<Callable<RedisNode>> starts = new ArrayList<>();
        for (int i = 0; i < MASTERS * (1 + replicasPerMaster); i++) {
            starts.add(() -> PortRetry.withFreshPorts(() -> RedisNode.start(clusterNode())));
        }
        List<RedisNode> nodes = Parallel.call(starts);
        try {
            create(nodes, replicasPerMaster);
            Poll.until("cluster convergence", CONVERGE_TIMEOUT, () -> ClusterView.problem(nodes, MASTERS));
            if (replicasPerMaster > 0) {
                Poll.until("replicas to sync", CONVERGE_TIMEOUT, () -> replicaProblem(nodes));
            }
            return new RedisClusterDeployment(nodes, replicasPerMaster > 0);
        } catch (RuntimeException e) {
            Parallel.close(nodes);
            throw e;
        }
    }

    private static NodeSpec clusterNode() {
        return NodeSpec.server(FreePorts.next())
                .withConfig(
                        "cluster-enabled yes",
                        "cluster-config-file nodes.conf",
                        // An explicit bus port: the default port+10000 may be taken or beyond 65535.
                        "cluster-port " + FreePorts.next(),
                        // Short enough that a test killing a node sees it marked failed in seconds.
                        "cluster-node-timeout 5000");
    }

    private static String replicaProblem(List<RedisNode> nodes) {
        for (RedisNode node : nodes) {
            java.util.Map<String, String> info = Replies.infoFields(node.cli("INFO", "replication"));
            if ("slave".equals(info.get("role")) && !"up".equals(info.get("master_link_status"))) {
                return node + " master_link_status:" + info.get("master_link_status");
            }
        }
        return null;
    }

    private static void create(List<RedisNode> nodes, int replicasPerMaster) {
        List<String> command = new ArrayList<>();
        command.add(Binaries.locate(Binaries.REDIS_CLI).toString());
        command.add("--cluster");
        command.add("create");
        for (RedisNode node : nodes) {
            command.add(node.host() + ":" + node.port());
        }
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        CommandRunner.Result result = CommandRunner.run(command, CREATE_TIMEOUT);
        if (!result.ok()) {
            StringBuilder logs = new StringBuilder();
            for (RedisNode node : nodes) {
                logs.append(LogTail.of(node.dir()));
            }
            throw new IllegalStateException("cluster creation failed: " + result.describe() + logs);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Topology topology() {
        return Topology.CLUSTER;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}
     */
    @Override
    public String url() {
        return "redis-cluster://"
                + nodes.stream().map(node -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
    }

    /** {@inheritDoc} Runs {@code FLUSHALL} on the 3 masters concurrently. */
    @Override
    public void flushAll() {
        List<Runnable> flushes = new ArrayList<>();
        for (RedisNode node : masters()) {
            flushes.add(() -> node.cli("FLUSHALL"));
        }
        Parallel.run(flushes);
    }

    /**
     * {@inheritDoc}
     *
     * @return the 3 masters (with replicas: the current ones, as the cluster reports them after a
     *     failover); {@link RedisNode#cli} on one of them does not follow MOVED redirects
     */
    @Override
    public List<RedisNode> masters() {
        if (!replicated) {
            return nodes;
        }
        for (RedisNode node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            try {
                java.util.Set<Integer> ports = ClusterView.masterPorts(node.cli("CLUSTER", "NODES"));
                List<RedisNode> masters = new ArrayList<>();
                for (RedisNode candidate : nodes) {
                    if (ports.contains(candidate.port())) {
                        masters.add(candidate);
                    }
                }
                return masters;
            } catch (RuntimeException e) {
                // Ask the next node.
            }
        }
        throw new IllegalStateException("no node of " + this + " answers CLUSTER NODES");
    }

    /**
     * Every node, masters and replicas, in start order.
     *
     * @return all data nodes
     */
    public List<RedisNode> nodes() {
        return nodes;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        Parallel.close(nodes);
    }

    /**
     * Describes the deployment for messages.
     *
     * @return topology and URL
     */
    @Override
    public String toString() {
        return "RedisClusterDeployment " + url();
    }
}
