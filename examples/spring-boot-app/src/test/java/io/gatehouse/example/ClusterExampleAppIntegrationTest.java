package io.gatehouse.example;

import io.gatehouse.testkit.Topology;

/** The example application, two instances and the server on Redis Cluster. */
class ClusterExampleAppIntegrationTest extends AbstractExampleAppIntegrationTest {
    ClusterExampleAppIntegrationTest() {
        super(Topology.CLUSTER);
    }
}
