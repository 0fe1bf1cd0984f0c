package io.gatehouse.testkit;

import java.lang.reflect.Parameter;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that injects the {@link SharedRedis shared deployments} into test and lifecycle
 * method parameters (and constructors) and stops them when the test run ends.
 *
 * <p>Resolved parameter types: {@link StandaloneRedis}, {@link RedisClusterDeployment},
 * {@link SentinelDeployment}, {@link TlsRedis}, and {@link RedisDeployment} (the topology of
 * {@link RedisTopology @RedisTopology}, or standalone without it).
 *
 * <p>Each deployment handed out is registered in the root {@link ExtensionContext} store as an
 * {@link AutoCloseable}, which JUnit closes at the end of the run, also after failures; its
 * processes are stopped by pid.
 */
public final class RedisExtension implements ParameterResolver, BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);
    private static final Map<Class<?>, Topology> TOPOLOGY_BY_TYPE = Map.of(
            StandaloneRedis.class, Topology.STANDALONE,
            RedisClusterDeployment.class, Topology.CLUSTER,
            SentinelDeployment.class, Topology.SENTINEL,
            TlsRedis.class, Topology.TLS);

    /** Creates the extension; JUnit does this for {@code @ExtendWith(RedisExtension.class)}. */
    public RedisExtension() {}

    /**
     * Registers the end-of-run stop for shared deployments that a test class starts through
     * {@link SharedRedis} directly rather than through parameters.
     *
     * @param context the class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).computeIfAbsent("all", key -> new AllSharedLease(), AllSharedLease.class);
    }

    /**
     * Whether the parameter is one of the deployment types this extension resolves.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return true for deployment parameters
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return TOPOLOGY_BY_TYPE.containsKey(type) || type == RedisDeployment.class;
    }

    /**
     * Starts (once per JVM) and returns the shared deployment for the parameter.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return the shared deployment
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Topology topology = topologyOf(parameterContext.getParameter());
        extensionContext.getRoot().getStore(NAMESPACE).computeIfAbsent(topology, SharedLease::new, SharedLease.class);
        try {
            return SharedRedis.get(topology);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start the shared " + topology + " Redis", e);
        }
    }

    private static Topology topologyOf(Parameter parameter) {
        Topology byType = TOPOLOGY_BY_TYPE.get(parameter.getType());
        RedisTopology annotation = parameter.getAnnotation(RedisTopology.class);
        if (annotation == null) {
            return byType == null ? Topology.STANDALONE : byType;
        }
        if (byType != null && byType != annotation.value()) {
            throw new ParameterResolutionException(
                    "parameter " + parameter + " is annotated @RedisTopology(" + annotation.value()
                            + ") but its type is " + parameter.getType().getSimpleName());
        }
        return annotation.value();
    }

    /** Closed by JUnit with the root context: stops one shared topology. */
    private static final class SharedLease implements AutoCloseable {
        private final Topology topology;

        SharedLease(Topology topology) {
            this.topology = topology;
        }

        @Override
        public void close() {
            SharedRedis.stop(topology);
        }
    }

    /** Closed by JUnit with the root context: stops whatever shared topologies are running. */
    private static final class AllSharedLease implements AutoCloseable {
        @Override
        public void close() {
            SharedRedis.stopAll();
        }
    }
}
