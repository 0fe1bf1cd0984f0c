package io.gatehouse.testkit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JVM-wide shared deployments, one per topology, started lazily on first use and reused by every
 * test afterwards. They are stopped when the JUnit run ends (if {@link RedisExtension} is used)
 * and in any case by the testkit's shutdown hook.
 *
 * <p>Tests sharing a deployment should {@link RedisDeployment#flushAll() flush} or use unique keys,
 * and must not kill or restart its nodes; start a private deployment for that.
 */
public final class SharedRedis {
    private static final Map<Topology, RedisDeployment> RUNNING = new ConcurrentHashMap<>();
    /** One lock per topology, so starting the cluster does not hold up a test needing standalone. */
    private static final Map<Topology, Object> LOCKS = new EnumMap<>(Topology.class);

    static {
        for (Topology topology : Topology.values()) {
            LOCKS.put(topology, new Object());
        }
    }

    private SharedRedis() {}

    /**
     * The shared deployment of {@code topology}, started on the first call (thread-safe; concurrent
     * callers wait for the same start).
     *
     * @param topology which deployment
     * @return the running shared deployment
     */
    public static RedisDeployment get(Topology topology) {
        synchronized (LOCKS.get(topology)) {
            return RUNNING.computeIfAbsent(topology, SharedRedis::start);
        }
    }

    /**
     * The shared standalone server.
     *
     * @return {@code get(Topology.STANDALONE)}
     */
    public static StandaloneRedis standalone() {
        return (StandaloneRedis) get(Topology.STANDALONE);
    }

    /**
     * The shared 3-master cluster.
     *
     * @return {@code get(Topology.CLUSTER)}
     */
    public static RedisClusterDeployment cluster() {
        return (RedisClusterDeployment) get(Topology.CLUSTER);
    }

    /**
     * The shared sentinel deployment.
     *
     * @return {@code get(Topology.SENTINEL)}
     */
    public static SentinelDeployment sentinel() {
        return (SentinelDeployment) get(Topology.SENTINEL);
    }

    /**
     * The shared TLS server.
     *
     * @return {@code get(Topology.TLS)}
     */
    public static TlsRedis tls() {
        return (TlsRedis) get(Topology.TLS);
    }

    /** Stops the shared deployment of {@code topology} if it runs; a later get starts a new one. */
    static void stop(Topology topology) {
        synchronized (LOCKS.get(topology)) {
            RedisDeployment deployment = RUNNING.remove(topology);
            if (deployment != null) {
                deployment.close();
            }
        }
    }

    /** Stops every shared deployment, concurrently. */
    static void stopAll() {
        List<Runnable> stops = new ArrayList<>();
        for (Topology topology : Topology.values()) {
            stops.add(() -> stop(topology));
        }
        Parallel.run(stops);
    }

    private static RedisDeployment start(Topology topology) {
        switch (topology) {
            case STANDALONE:
                return StandaloneRedis.start();
            case CLUSTER:
                return RedisClusterDeployment.start();
            case SENTINEL:
                return SentinelDeployment.startShared();
            case TLS:
                return TlsRedis.start();
            default:
                throw new IllegalArgumentException("unknown topology " + topology);
        }
    }
}
