package io.gatehouse.testkit;

/** The Redis deployment shapes the testkit can start. */
public enum Topology {
    /** One plain {@code redis-server}: {@link StandaloneRedis}. */
    STANDALONE,
    /** A Redis Cluster of 3 masters without replicas: {@link RedisClusterDeployment}. */
    CLUSTER,
    /** A master, one replica and 3 sentinels: {@link SentinelDeployment}. */
    SENTINEL,
    /** One {@code redis-server} reachable only over TLS, with ACL users: {@link TlsRedis}. */
    TLS
}
