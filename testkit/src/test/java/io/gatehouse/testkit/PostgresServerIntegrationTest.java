package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class PostgresServerIntegrationTest {

    @Test
    void startsAsUnprivilegedUserServesOnLoopbackAndStopsByPid() throws IOException {
        PostgresServer server = PostgresServer.start();
        long pid;
        try (server) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            }
            String url = server.createDatabase();
            assertThat(url).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/t_[0-9a-f]{16}");
            assertThat(server.log()).contains("database system is ready to accept connections");
            pid = server.pid();
            if ("root".equals(System.getProperty("user.name"))) {
                // PostgreSQL refuses root; the harness must have dropped privileges.
                assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().user())).hasValue("nobody");
            }
        }
        assertThat(server.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }
}
