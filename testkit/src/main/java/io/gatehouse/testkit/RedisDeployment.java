package io.gatehouse.testkit;

import java.util.List;

/** Common handle for a running Redis topology; closing it stops every process it started. */
public interface RedisDeployment extends AutoCloseable {

    /**
     * The shape of this deployment.
     *
     * @return the topology
     */
    Topology topology();

    /**
     * The connection URL in Gatehouse's format: {@code redis://h:p} (standalone),
     * {@code redis-cluster://h:p1,h:p2,h:p3}, {@code redis-sentinel://h:s1,h:s2,h:s3#gatehouse} or
     * {@code rediss://user:password@h:p} (TLS; the CA and client certificate are configured
     * separately).
     *
     * @return the URL
     */
    String url();

    /**
     * Removes all data on every data node: {@code FLUSHALL} on each master, then (where there is a
     * replica) waits until the replica has applied it.
     */
    void flushAll();

    /**
     * The data nodes that accept writes: 1 for standalone, sentinel and TLS, 3 for cluster.
     *
     * @return the masters, in a stable order
     */
    List<RedisNode> masters();

    /** Stops every process of the deployment by pid and deletes their directories; idempotent. */
    @Override
    void close();
}
