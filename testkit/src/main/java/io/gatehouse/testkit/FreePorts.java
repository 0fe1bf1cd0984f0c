package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks free loopback ports by letting the kernel choose (bind to port 0) and reading the port back.
 * Redis itself cannot do this: its {@code port 0} means "no TCP listener".
 */
final class FreePorts {
    /**
     * Ports already handed out in this JVM. The kernel may give a just-closed port again, and nodes
     * started in parallel must not get the same one before either has bound it.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A port that was free a moment ago; the caller retries on a clash (see {@link PortRetry}). */
    static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindAndRelease();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found after 100 attempts");
    }

    private static int bindAndRelease() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(RedisNode.HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback socket", e);
        }
    }
}
