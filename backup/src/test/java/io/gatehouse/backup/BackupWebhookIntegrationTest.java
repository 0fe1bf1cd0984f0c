package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.GpgKeys;
import io.gatehouse.testkit.RedisDeployment;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.Topology;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Slack-compatible webhook (a real HTTP server on loopback) hears of a backup's success and of its failure. */
class BackupWebhookIntegrationTest {
    @TempDir
    Path tmp;

    @Test
    void successAndFailureAreAnnounced() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        URI hook = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook");
        try (GpgKeys keys = GpgKeys.generate("webhook")) {
            RedisDeployment redis = SharedRedis.get(Topology.STANDALONE);
            redis.flushAll();
            redis.masters().get(0).cli("SET", "gatehouse:s:{alice}", "session");
            GatehouseConfig config = Fixture.config(redis, tmp);
            try (Backups b = Backups.builder()
                    .config(config)
                    .target(BackupTarget.local(tmp.resolve("b")))
                    .publicKey(keys.publicKey())
                    .webhook(hook)
                    .workDir(tmp)
                    .build()) {
                Manifest m = b.create(Optional.empty()).get(0);
                assertThat(bodies).hasSize(1);
                assertThat(bodies.get(0))
                        .startsWith("{\"text\":")
                        .contains(m.id())
                        .contains("done")
                        .contains("sessions=1");
            }

            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            GatehouseConfig down = GatehouseConfig.builder()
                    .redisUrl("redis://127.0.0.1:" + closed)
                    .build();
            try (Backups b = Backups.builder()
                    .config(down)
                    .target(BackupTarget.local(tmp.resolve("b")))
                    .publicKey(keys.publicKey())
                    .webhook(hook)
                    .workDir(tmp)
                    .build()) {
                assertThatThrownBy(() -> b.create(Optional.empty()))
                        .isInstanceOf(BackupException.class)
                        .hasMessageContaining("127.0.0.1:" + closed);
            }
            assertThat(bodies).hasSize(2);
            assertThat(bodies.get(1)).contains("FAILED").contains("127.0.0.1:" + closed);
        } finally {
            http.stop(0);
        }
    }
}
