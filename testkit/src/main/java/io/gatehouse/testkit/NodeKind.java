package io.gatehouse.testkit;

/** Which program a node runs; sentinels take a different binary and refuse data-node settings. */
enum NodeKind {
    SERVER(Binaries.REDIS_SERVER, "redis.conf"),
    SENTINEL(Binaries.REDIS_SENTINEL, "sentinel.conf");

    private final String binary;
    private final String configFileName;

    NodeKind(String binary, String configFileName) {
        this.binary = binary;
        this.configFileName = configFileName;
    }

    String binary() {
        return binary;
    }

    String configFileName() {
        return configFileName;
    }
}
