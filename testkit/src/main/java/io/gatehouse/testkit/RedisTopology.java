package io.gatehouse.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the topology of a {@link RedisDeployment} parameter resolved by {@link RedisExtension}:
 * {@code void test(@RedisTopology(Topology.CLUSTER) RedisDeployment redis)}. An unannotated
 * {@code RedisDeployment} parameter gets {@link Topology#STANDALONE}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RedisTopology {
    /**
     * The shared deployment to inject.
     *
     * @return the topology
     */
    Topology value();
}
