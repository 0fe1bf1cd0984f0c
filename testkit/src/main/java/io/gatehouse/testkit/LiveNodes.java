package io.gatehouse.testkit;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The nodes this JVM started and has not closed yet. A shutdown hook closes them, which stops the
 * shared deployments at JVM exit and catches private ones a test forgot to close.
 */
final class LiveNodes {
    private static final Set<RedisNode> NODES = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private LiveNodes() {}

    static void add(RedisNode node) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(LiveNodes::closeAll, "gatehouse-testkit-shutdown"));
        }
        NODES.add(node);
    }

    static void remove(RedisNode node) {
        NODES.remove(node);
    }

    static void closeAll() {
        Parallel.close(new ArrayList<>(NODES));
    }
}
