package io.gatehouse.testing;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.TlsRedis;
import io.gatehouse.testkit.Topology;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where a contract test's store lives: in memory, or on one of the four Redis topologies the testkit
 * starts. Redis deployments and their connectors are shared by the whole test run (started on first
 * use, stopped when the JVM exits) and flushed before each test.
 */
public enum Backend {
    IN_MEMORY(null),
    STANDALONE(Topology.STANDALONE),
    CLUSTER(Topology.CLUSTER),
    SENTINEL(Topology.SENTINEL),
    TLS(Topology.TLS);

    private static final Map<Backend, Stores> STORES = new EnumMap<>(Backend.class);

    private final Topology topology;

    Backend(Topology topology) {
        this.topology = topology;
    }

    public boolean isRedis() {
        return topology != null;
    }

    /** The running deployment (started on first use). */
    public RedisDeployment deployment() {
        if (topology == null) {
            throw new IllegalStateException("the in-memory backend has no Redis deployment");
        }
        return SharedRedis.get(topology);
    }

    /** A configuration with every purpose on this backend (no Redis settings for {@link #IN_MEMORY}). */
    public GatehouseConfig config() {
        return configBuilder().build();
    }

    /** A builder preset for this backend, to add capability settings. */
    public GatehouseConfig.Builder configBuilder() {
        GatehouseConfig.Builder b = GatehouseConfig.builder();
        if (topology == null) {
            return b;
        }
        RedisDeployment d = deployment();
        // Generous limits: the suite shares two cores with a dozen redis-servers, and a TLS handshake
        // or a command that waits for the CPU is not what these tests are about. Tests of timeouts
        // and the circuit breaker configure their own.
        b.redisUrl(d.url()).set("gatehouse.redis.connect-timeout", "10s").set("gatehouse.redis.command-timeout", "5s");
        if (d instanceof TlsRedis tls) {
            b.set("gatehouse.redis.tls.ca-file", tls.caCertFile().toString());
            b.set("gatehouse.redis.tls.cert-file", tls.clientCertFile().toString());
            b.set("gatehouse.redis.tls.key-file", tls.clientKeyFile().toString());
        }
        return b;
    }

    /**
     * The stores shared by all tests on this backend (every purpose on its one deployment; nothing to
     * connect for {@link #IN_MEMORY}), for the capability builders' {@code stores(...)}. Do not close them.
     */
    public synchronized Stores stores() {
        return STORES.computeIfAbsent(this, b -> {
            if (topology == null) {
                return Stores.inMemory();
            }
            Stores s = Stores.open(config());
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            return s;
        });
    }

    /** The connector of {@link #stores()}, for tests that look at the keys behind a capability. Do not close it. */
    public RedisConnector connector() {
        if (topology == null) {
            throw new IllegalStateException("the in-memory backend has no Redis deployment");
        }
        return StoresRedis.of(stores(), Purpose.TOKENS).orElseThrow();
    }

    /**
     * Keys on every master, counted by the testkit's own client (on {@link #TLS} its administrator),
     * since the shipped ACL rightly refuses {@code DBSIZE} to the Gatehouse user.
     */
    public long keyCount() {
        return deployment().masters().stream()
                .mapToLong(n -> Long.parseLong(n.cli("DBSIZE")))
                .sum();
    }

    /** Empties every data node, so each test starts from nothing. */
    public void flush() {
        if (topology != null) {
            deployment().flushAll();
        }
    }
}
