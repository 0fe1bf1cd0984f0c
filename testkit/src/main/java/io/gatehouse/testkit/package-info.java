/**
 * Real {@code redis-server} / {@code redis-sentinel} processes on free loopback ports, for Gatehouse's
 * tests and benchmarks.
 *
 * <p>Four topologies are available (see {@link io.gatehouse.testkit.Topology}):
 * {@link io.gatehouse.testkit.StandaloneRedis}, {@link io.gatehouse.testkit.RedisClusterDeployment}
 * (3 masters), {@link io.gatehouse.testkit.SentinelDeployment} (master, replica, 3 sentinels) and
 * {@link io.gatehouse.testkit.TlsRedis} (TLS only, ACL user {@code gatehouse}). Each deployment's
 * {@link io.gatehouse.testkit.RedisDeployment#url() url()} is in Gatehouse's connection URL format.
 *
 * <p>Most tests should share one deployment per topology for the whole JVM, either through
 * {@link io.gatehouse.testkit.SharedRedis} or by declaring parameters resolved by
 * {@link io.gatehouse.testkit.RedisExtension}:
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class SessionStoreIntegrationTest {
 *   @Test
 *   void storesSession(StandaloneRedis redis) {
 *     redis.flushAll();
 *     // connect to redis.url() ...
 *   }
 * }
 * }</pre>
 * Tests that break a deployment (kill or restart a node, fail over) start a private one in a
 * try-with-resources block: {@code try (StandaloneRedis redis = StandaloneRedis.start()) { ... }}.
 *
 * <p>Processes are always stopped by pid. Every child pid is also recorded under
 * {@code ${java.io.tmpdir}/gatehouse-testkit/}, so that the first start in a later JVM kills the
 * servers of a run that was itself killed. The binaries are looked up on {@code PATH}.
 */
package io.gatehouse.testkit;
