package io.gatehouse.example;

import io.gatehouse.testkit.Topology;

/** The example application, two instances and the server on standalone Redis. */
class StandaloneExampleAppIntegrationTest extends AbstractExampleAppIntegrationTest {
    StandaloneExampleAppIntegrationTest() {
        super(Topology.STANDALONE);
    }
}
