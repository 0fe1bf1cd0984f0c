package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/*
 * Design: two threads per direction per connection. A reader copies what arrives into a queue
 * stamped with the instant it may leave (now + latency); a writer takes chunks in order, waits for
 * their instant and for the proxy to be passable, then writes. So latency delays every byte by the
 * same amount without throttling a pipelined stream, and a blackhole holds bytes back (as a real
 * partition does: TCP retransmits once the path is back) instead of losing them, which would
 * desynchronise the Redis protocol and test nothing real. Platform daemon threads: the module is
 * Java 17 and a test proxies a handful of connections.
 */
/**
 * A TCP proxy in front of a Redis node that injects network faults, for partition and slow-Redis
 * tests. Point the client at {@link #port()} instead of the node's port; faults apply to every
 * connection, open or new, until {@link #heal()}.
 *
 * <ul>
 *   <li>{@link #latency(Duration)}: every byte, both ways, is delivered that much later;
 *   <li>{@link #blackhole()}: connections are accepted but nothing passes either way (bytes are
 *       held, not lost, and flow again after {@link #heal()}, as after a healed partition);
 *   <li>{@link #drop()}: new connections are reset as soon as they are accepted;
 *   <li>{@link #cutAll()}: every open connection is reset now (both sides see a broken socket).
 * </ul>
 *
 * <pre>{@code
 * try (StandaloneRedis redis = StandaloneRedis.start();
 *     FaultProxy proxy = FaultProxy.start(redis.node())) {
 *   connect("redis://127.0.0.1:" + proxy.port());
 *   proxy.blackhole(); // ... assert the partition ...
 *   proxy.heal();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Object gate = new Object();
    private volatile long latencyNanos;
    private volatile boolean blackholed;
    private volatile boolean dropping;
    private volatile boolean closed;

    private FaultProxy(String upstreamHost, int upstreamPort, ServerSocket listener) {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = listener;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy to {@code node} on a free loopback port.
     *
     * @param node the Redis node to forward to
     * @return the running proxy, passing everything through
     */
    public static FaultProxy start(RedisNode node) {
        return start(node.host(), node.port());
    }

    /**
     * Starts a proxy to {@code host:port} on a free loopback port.
     *
     * @param host the upstream host
     * @param port the upstream port
     * @return the running proxy, passing everything through
     */
    public static FaultProxy start(String host, int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(RedisNode.HOST), 0));
            return new FaultProxy(host, port, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fault proxy", e);
        }
    }

    /**
     * The port clients connect to.
     *
     * @return the proxy's loopback port
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * {@code redis://127.0.0.1:<proxy port>}.
     *
     * @return the URL that reaches the node through the proxy
     */
    public String url() {
        return "redis://" + RedisNode.HOST + ":" + port();
    }

    /**
     * Delays every byte in both directions by {@code latency} (zero removes the delay). Applies to
     * bytes read from now on.
     *
     * @param latency the added one-way delay
     */
    public void latency(Duration latency) {
        latencyNanos = latency.toNanos();
    }

    /** Lets nothing through, either way, on open and new connections, until {@link #heal()}. */
    public void blackhole() {
        blackholed = true;
    }

    /** Resets every new connection at once, until {@link #heal()}; open ones are left alone. */
    public void drop() {
        dropping = true;
    }

    /** Resets every open connection now (the proxy keeps accepting new ones). */
    public void cutAll() {
        for (Link link : links) {
            link.reset();
        }
    }

    /** Removes latency, blackhole and drop; held bytes are delivered. */
    public void heal() {
        latencyNanos = 0;
        dropping = false;
        synchronized (gate) {
            blackholed = false;
            gate.notifyAll();
        }
    }

    /**
     * How many client connections were accepted so far (reset ones included).
     *
     * @return the count
     */
    public long acceptedConnections() {
        return accepted.get();
    }

    /**
     * How many connections are open now.
     *
     * @return the count
     */
    public int openConnections() {
        return links.size();
    }

    /** Stops accepting and resets every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        cutAll();
        heal();
    }

    @Override
    public String toString() {
        return "FaultProxy 127.0.0.1:" + port() + " -> " + upstreamHost + ":" + upstreamPort;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (dropping) {
                resetQuietly(client);
                continue;
            }
            Thread opener = new Thread(() -> open(client), "fault-proxy-open-" + port());
            opener.setDaemon(true);
            opener.start();
        }
    }

    private void open(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
        } catch (IOException e) {
            resetQuietly(client);
            resetQuietly(upstream);
            return;
        }
        Link link = new Link(client, upstream);
        links.add(link);
        if (closed) {
            link.reset();
            return;
        }
        link.start();
    }

    /** Waits while the proxy is blackholed; false once the link must stop. */
    private boolean awaitPassable(Link link) {
        synchronized (gate) {
            while (blackholed && !link.done && !closed) {
                try {
                    gate.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !link.done;
    }

    private static void resetQuietly(Socket socket) {
        try {
            // SO_LINGER 0 makes close() send RST: the peer sees "connection reset", like a cut cable
            // followed by a reboot, rather than an orderly FIN.
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // Closing anyway.
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /** One proxied connection: client and upstream sockets, a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean done;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> read(from, queue), "fault-proxy-read-" + direction);
            Thread writer = new Thread(() -> write(to, queue), "fault-proxy-write-" + direction);
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read(Socket from, BlockingQueue<Chunk> queue) {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.add(new Chunk(System.nanoTime() + latencyNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // The socket broke or was reset.
            }
            queue.add(Chunk.END);
        }

        private void write(Socket to, BlockingQueue<Chunk> queue) {
            try {
                OutputStream out = to.getOutputStream();
                while (!done) {
                    Chunk chunk = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    if (chunk == Chunk.END) {
                        break;
                    }
                    long wait;
                    while ((wait = chunk.due - System.nanoTime()) > 0 && !done) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!awaitPassable(this)) {
                        break;
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
            } catch (IOException e) {
                // The socket broke or was reset.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reset();
        }

        void reset() {
            done = true;
            links.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }
    }

    private static final class Chunk {
        static final Chunk END = new Chunk(0, new byte[0]);

        final long due;
        final byte[] bytes;

        Chunk(long due, byte[] bytes) {
            this.due = due;
            this.bytes = bytes;
        }
    }
}
