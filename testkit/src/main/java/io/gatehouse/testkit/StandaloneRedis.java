package io.gatehouse.testkit;

import java.util.List;

/** One plain {@code redis-server} without persistence. */
public final class StandaloneRedis implements RedisDeployment {
    private final RedisNode node;

    private StandaloneRedis(RedisNode node) {
        this.node = node;
    }

    /**
     * Starts a private server on a free port and waits until it answers PING. Close it (e.g. with
     * try-with-resources) to stop it; for a shared one use {@link SharedRedis#standalone()}.
     *
     * @return the running server
     */
    public static StandaloneRedis start() {
        return start(new String[0]);
    }

    /**
     * Starts a private server with extra config lines after the defaults (no persistence), for
     * example {@code "appendonly yes", "appendfsync always"} or {@code "maxmemory 2mb"}. They are
     * kept across {@link RedisNode#restart()}.
     *
     * @param config redis.conf lines
     * @return the running server
     */
    public static StandaloneRedis start(String... config) {
        return new StandaloneRedis(PortRetry.withFreshPorts(
                () -> RedisNode.start(NodeSpec.server(FreePorts.next()).withConfig(config))));
    }

    /**
     * The server process.
     *
     * @return the node
     */
    public RedisNode node() {
        return node;
    }

    /** {@inheritDoc} */
    @Override
    public Topology topology() {
        return Topology.STANDALONE;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code redis://127.0.0.1:PORT}
     */
    @Override
    public String url() {
        return "redis://" + node.host() + ":" + node.port();
    }

    /** {@inheritDoc} */
    @Override
    public void flushAll() {
        node.cli("FLUSHALL");
    }

    /** {@inheritDoc} */
    @Override
    public List<RedisNode> masters() {
        return List.of(node);
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        node.close();
    }

    /**
     * Describes the deployment for messages.
     *
     * @return topology and URL
     */
    @Override
    public String toString() {
        return "StandaloneRedis " + url();
    }
}
