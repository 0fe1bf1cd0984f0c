package io.gatehouse.example;

import io.gatehouse.testkit.Topology;

/** The example application, two instances and the server on standalone Redis. */
class StandaloneExampleAppIT extends AbstractExampleAppIT {
    StandaloneExampleAppIT() {
        super(Topology.STANDALONE);
    }
}
