package io.gatehouse.config;

/** How a Redis deployment is reached; chosen by the URL scheme. */
public enum RedisMode {
    /** {@code redis://host:port} or {@code rediss://host:port}. */
    STANDALONE,
    /** {@code redis-sentinel://s1:p1,s2:p2#master} (or {@code rediss-sentinel://}). */
    SENTINEL,
    /** {@code redis-cluster://n1:p1,n2:p2,n3:p3} (or {@code rediss-cluster://}): a list of seed nodes. */
    CLUSTER
}
