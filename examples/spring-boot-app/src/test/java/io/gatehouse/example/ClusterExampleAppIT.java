package io.gatehouse.example;

import io.gatehouse.testkit.Topology;

/** The example application, two instances and the server on Redis Cluster. */
class ClusterExampleAppIT extends AbstractExampleAppIT {
    ClusterExampleAppIT() {
        super(Topology.CLUSTER);
    }
}
