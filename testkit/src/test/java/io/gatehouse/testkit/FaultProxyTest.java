package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy on its own, in front of an in-process echo server (no Redis needed). */
class FaultProxyTest {
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoAndProxy() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> echoBack(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private static void echoBack(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[1024];
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The test closed or reset it.
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return readExactly(s, text.length());
    }

    private static String readExactly(Socket s, int length) throws IOException {
        byte[] b = s.getInputStream().readNBytes(length);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void passesBytesBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "PING")).isEqualTo("PING");
            assertThat(roundTrip(s, "x".repeat(100_000))).hasSize(100_000);
        }
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "warm");
            proxy.latency(Duration.ofMillis(100));
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            // A lower bound only: the delay is added on the way out and on the way back by construction.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    @Test
    void blackholeHoldsBytesUntilHealed() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "before");
            proxy.blackhole();
            s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
            s.setSoTimeout(300);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket late = connect()) {
                late.getOutputStream().write("new".getBytes(StandardCharsets.UTF_8));
                late.setSoTimeout(300);
                assertThatThrownBy(() -> late.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                proxy.heal();
                late.setSoTimeout(5000);
                assertThat(readExactly(late, 3)).isEqualTo("new");
            }
            s.setSoTimeout(5000);
            assertThat(readExactly(s, 4)).isEqualTo("held");
            assertThat(roundTrip(s, "after")).isEqualTo("after");
        }
    }

    @Test
    void dropResetsNewConnectionsOnly() throws IOException {
        try (Socket open = connect()) {
            roundTrip(open, "a");
            proxy.drop();
            assertThat(newConnectionIsReset()).isTrue();
            assertThat(roundTrip(open, "still")).isEqualTo("still");
            proxy.heal();
            try (Socket again = connect()) {
                assertThat(roundTrip(again, "back")).isEqualTo("back");
            }
        }
    }

    @Test
    void cutAllResetsOpenConnections() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "a");
            assertThat(proxy.openConnections()).isEqualTo(1);
            proxy.cutAll();
            assertThat(readsEndOrReset(s)).isTrue();
            assertThat(proxy.openConnections()).isZero();
        }
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "new")).isEqualTo("new");
        }
    }

    /** The reset may already arrive while connecting, or only on the first read. */
    private boolean newConnectionIsReset() {
        try (Socket refused = connect()) {
            return readsEndOrReset(refused);
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean readsEndOrReset(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
