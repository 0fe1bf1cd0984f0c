package io.gatehouse.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * A master, one replica (or more, {@link #start(int)}) and 3 sentinels monitoring them as
 * {@code gatehouse} (quorum 2, down-after 1000 ms, failover-timeout 5000 ms), so killing the master
 * fails over in about 2 s.
 */
public final class SentinelDeployment implements RedisDeployment {
    static final String MASTER_NAME = "gatehouse";
    private static final int SENTINELS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    /** Short, for tests that kill or fail over the master and watch the Sentinels react. */
    private static final Duration FAILOVER_DOWN_AFTER = Duration.ofSeconds(1);
    /** Long, for the shared deployment nobody fails over on purpose (see {@link #startShared()}). */
    private static final Duration SHARED_DOWN_AFTER = Duration.ofSeconds(10);

    private final RedisNode initialMaster;
    private final List<RedisNode> dataNodes;
    private final List<RedisNode> sentinels;

    private SentinelDeployment(RedisNode master, List<RedisNode> replicas, List<RedisNode> sentinels) {
        this.initialMaster = master;
        List<RedisNode> all = new ArrayList<>();
        all.add(master);
        all.addAll(replicas);
        this.dataNodes = List.copyOf(all);
        this.sentinels = List.copyOf(sentinels);
    }

    /**
     * Starts master, replica and 3 sentinels, and returns once the replication link is up and every
     * sentinel sees the replica and the 2 other sentinels.
     *
     * @return the running deployment
     */
    public static SentinelDeployment start() {
        return start(1);
    }

    /**
     * Starts a master, {@code replicas} replicas and 3 sentinels, and returns once every replication
     * link is up and every sentinel sees the replicas and the 2 other sentinels. With 2 replicas a
     * failover leaves a replica behind at once (the Sentinels reconfigure it), which a test of
     * replicated writes needs.
     *
     * @param replicas how many replicas, at least 1
     * @return the running deployment
     */
    public static SentinelDeployment start(int replicas) {
        return start(replicas, FAILOVER_DOWN_AFTER);
    }

    /**
     * The deployment {@link SharedRedis} hands to every test of a JVM: nobody fails it over on purpose,
     * so its Sentinels wait {@link #SHARED_DOWN_AFTER} before calling the master down. With the 1 s of
     * {@link #start()} a master (or Sentinel) starved of CPU for a second on a loaded machine gets failed
     * over in the middle of an unrelated test, which then sees 503s or a degraded health.
     */
    static SentinelDeployment startShared() {
        return start(1, SHARED_DOWN_AFTER);
    }

    private static SentinelDeployment start(int replicas, Duration downAfter) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1");
        }
        List<RedisNode> started = new ArrayList<>();
        try {
            RedisNode master = PortRetry.withFreshPorts(() -> RedisNode.start(dataNode()));
            started.add(master);
            List<RedisNode> replicaNodes = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                RedisNode replica = PortRetry.withFreshPorts(() ->
                        RedisNode.start(dataNode().withConfig("replicaof " + RedisNode.HOST + " " + master.port())));
                started.add(replica);
                replicaNodes.add(replica);
            }
            List<RedisNode> sentinels =
                    PortRetry.withFreshPorts(() -> startSentinels(master.port(), replicaNodes, downAfter));
            started.addAll(sentinels);
            SentinelDeployment deployment = new SentinelDeployment(master, replicaNodes, sentinels);
            Poll.until("replication link", READY_TIMEOUT, deployment::replicationProblem);
            // "online" alone does not prove that writes reach the replica yet (see dataNode()); a
            // propagated probe does, without leaving a key behind.
            master.cli("PUBLISH", "gatehouse-testkit:probe", "replication");
            for (RedisNode replica : replicaNodes) {
                deployment.awaitReplication(master, replica);
            }
            Poll.until("sentinels to see each other", READY_TIMEOUT, deployment::sentinelProblem);
            return deployment;
        } catch (RuntimeException e) {
            Parallel.close(started);
            throw e;
        }
    }

    private static NodeSpec dataNode() {
        // Disk-based full sync: after a diskless one (the 7.0 default) the master holds back the
        // command stream until the replica's next REPLCONF ACK, up to 1 s later; a disk sync streams
        // at once (~0.2 s startup instead of up to 1.1 s). The RDB file goes to the node's temp dir.
        // Both nodes get it because after a failover the old master resyncs from the new one.
        return NodeSpec.server(FreePorts.next()).withConfig("repl-diskless-sync no");
    }

    /**
     * Starts the 3 sentinels together. Each is told its own id and the other sentinels and the
     * replica up front ({@code known-sentinel}, {@code known-replica}); otherwise discovery waits for
     * hello messages (every 2 s) and the master's INFO (every 10 s).
     */
    private static List<RedisNode> startSentinels(int masterPort, List<RedisNode> replicas, Duration downAfter) {
        int[] ports = new int[SENTINELS];
        String[] ids = new String[SENTINELS];
        for (int i = 0; i < SENTINELS; i++) {
            ports[i] = FreePorts.next();
            ids[i] = RandomHex.of(20);
        }
        List<Callable<RedisNode>> starts = new ArrayList<>();
        for (int i = 0; i < SENTINELS; i++) {
            List<String> config = new ArrayList<>();
            config.add("sentinel myid " + ids[i]);
            config.add("sentinel resolve-hostnames no");
            config.add("sentinel monitor " + MASTER_NAME + " " + RedisNode.HOST + " " + masterPort + " 2");
            config.add("sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis());
            config.add("sentinel failover-timeout " + MASTER_NAME + " 5000");
            for (RedisNode replica : replicas) {
                config.add("sentinel known-replica " + MASTER_NAME + " " + RedisNode.HOST + " " + replica.port());
            }
            for (int other = 0; other < SENTINELS; other++) {
                if (other != i) {
                    config.add("sentinel known-sentinel " + MASTER_NAME + " " + RedisNode.HOST + " " + ports[other]
                            + " " + ids[other]);
                }
            }
            NodeSpec spec = NodeSpec.sentinel(ports[i]).withConfig(config.toArray(new String[0]));
            starts.add(() -> RedisNode.start(spec));
        }
        return Parallel.call(starts);
    }

    private String replicationProblem() {
        for (RedisNode replica : dataNodes.subList(1, dataNodes.size())) {
            Map<String, String> info = Replies.infoFields(replica.cli("INFO", "replication"));
            if (!"up".equals(info.get("master_link_status"))) {
                return replica + " master_link_status:" + info.get("master_link_status");
            }
        }
        Map<String, String> master = Replies.infoFields(initialMaster.cli("INFO", "replication"));
        for (int i = 0; i < dataNodes.size() - 1; i++) {
            String slave = master.getOrDefault("slave" + i, "");
            if (!slave.contains("state=online")) {
                return "master reports slave" + i + ":" + slave;
            }
        }
        return null;
    }

    /**
     * Waits until the current replica has processed everything the current master had propagated
     * when called. Unlike {@code WAIT} this works across {@link RedisNode#cli} calls, each of which
     * is a new connection (and {@code WAIT} only covers the calling connection's own writes).
     */
    void awaitReplication() {
        RedisNode master = master();
        for (RedisNode replica : replicas()) {
            awaitReplication(master, replica);
        }
    }

    private void awaitReplication(RedisNode master, RedisNode replica) {
        long target = replicationOffset(master, "master_repl_offset");
        Poll.until("replica " + replica + " to reach offset " + target, READY_TIMEOUT, () -> {
            long reached = replicationOffset(replica, "slave_repl_offset");
            return reached >= target ? null : "replica is at offset " + reached;
        });
    }

    private static long replicationOffset(RedisNode node, String field) {
        String value = Replies.infoFields(node.cli("INFO", "replication")).get(field);
        if (value == null) {
            throw new IllegalStateException(node + " reports no " + field);
        }
        return Long.parseLong(value);
    }

    private String sentinelProblem() {
        for (RedisNode sentinel : sentinels) {
            Map<String, String> view = Replies.pairs(sentinel.cli("SENTINEL", "MASTER", MASTER_NAME));
            if (!"2".equals(view.get("num-other-sentinels"))
                    || !String.valueOf(dataNodes.size() - 1).equals(view.get("num-slaves"))
                    || !"master".equals(view.get("flags"))) {
                return sentinel + " reports flags " + view.get("flags") + ", num-other-sentinels "
                        + view.get("num-other-sentinels") + ", num-slaves " + view.get("num-slaves");
            }
        }
        return null;
    }

    /**
     * The name the sentinels monitor the master under.
     *
     * @return {@code "gatehouse"}
     */
    public String masterName() {
        return MASTER_NAME;
    }

    /**
     * The data node the sentinels currently report as master ({@code SENTINEL
     * get-master-addr-by-name}): the original master until a failover, the promoted replica after.
     * Falls back to the original master when no sentinel answers.
     *
     * @return the current master
     */
    public RedisNode master() {
        for (RedisNode sentinel : sentinels) {
            if (!sentinel.isAlive()) {
                continue;
            }
            try {
                String[] address = sentinel.cli("SENTINEL", "get-master-addr-by-name", MASTER_NAME)
                        .split("\\R");
                int port = Integer.parseInt(address[address.length - 1].trim());
                for (RedisNode node : dataNodes) {
                    if (node.port() == port) {
                        return node;
                    }
                }
            } catch (RuntimeException e) {
                // Try the next sentinel.
            }
        }
        return initialMaster;
    }

    /**
     * The first data node that is not {@link #master()}.
     *
     * @return the current replica (after a failover: the old master, possibly dead)
     */
    public RedisNode replica() {
        return replicas().get(0);
    }

    /**
     * The data nodes that are not {@link #master()}, in start order.
     *
     * @return the current replicas (after a failover including the old master, possibly dead)
     */
    public List<RedisNode> replicas() {
        RedisNode master = master();
        List<RedisNode> out = new ArrayList<>(dataNodes);
        out.remove(master);
        return out;
    }

    /**
     * The 3 sentinel processes.
     *
     * @return the sentinels, in the order of {@link #url()}
     */
    public List<RedisNode> sentinels() {
        return sentinels;
    }

    /** {@inheritDoc} */
    @Override
    public Topology topology() {
        return Topology.SENTINEL;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3#gatehouse}
     */
    @Override
    public String url() {
        return "redis-sentinel://"
                + sentinels.stream()
                        .map(node -> node.host() + ":" + node.port())
                        .collect(Collectors.joining(","))
                + "#"
                + MASTER_NAME;
    }

    /**
     * {@inheritDoc} {@code FLUSHALL} on the current master, then waits until the replica (if its
     * process is alive) has applied it.
     *
     * @throws IllegalStateException if a live replica does not catch up within 15 s
     */
    @Override
    public void flushAll() {
        RedisNode master = master();
        master.cli("FLUSHALL");
        for (RedisNode replica : dataNodes) {
            if (replica != master && replica.isAlive()) {
                awaitReplication(master, replica);
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return a list holding {@link #master()}
     */
    @Override
    public List<RedisNode> masters() {
        return List.of(master());
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        List<RedisNode> all = new ArrayList<>(sentinels);
        all.addAll(dataNodes);
        Parallel.close(all);
    }

    /**
     * Describes the deployment for messages.
     *
     * @return topology and URL
     */
    @Override
    public String toString() {
        return "SentinelDeployment " + url();
    }
}
