package io.gatehouse.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of one Redis, standing for the network path of one process. {@link #cut()}
 * drops every connection and refuses new ones, as a partition does to that process alone (Redis and
 * the other processes go on); {@link #heal()} accepts again on the same port, so the client's own
 * reconnect logic finds its way back.
 */
final class LinkCutProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    LinkCutProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        accept(s);
    }

    int port() {
        return port;
    }

    synchronized void cut() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    synchronized void heal() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        accept(s);
    }

    private synchronized void accept(ServerSocket s) {
        server = s;
        Thread t = new Thread(
                () -> {
                    while (!s.isClosed()) {
                        try {
                            Socket client = s.accept();
                            Socket upstream = new Socket(targetHost, targetPort);
                            client.setTcpNoDelay(true);
                            upstream.setTcpNoDelay(true);
                            // Registered under the same lock as cut(): a connection accepted while the link is
                            // being cut must not survive it.
                            synchronized (this) {
                                if (server != s || s.isClosed()) {
                                    client.close();
                                    upstream.close();
                                    continue;
                                }
                                sockets.add(client);
                                sockets.add(upstream);
                            }
                            pump(client, upstream);
                            pump(upstream, client);
                        } catch (IOException e) {
                            // closed by cut(): stop accepting
                        }
                    }
                },
                "link-cut-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // one side closed: close both below
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                },
                "link-cut-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
