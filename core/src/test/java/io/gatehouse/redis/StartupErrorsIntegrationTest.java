package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testkit.SharedRedis;
import io.gatehouse.testkit.TlsRedis;
import java.net.ServerSocket;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A deployment that cannot be used stops Gatehouse at startup with one paragraph that names the
 * setting at fault and what went wrong, not a stack trace of client internals.
 */
class StartupErrorsIntegrationTest {

    @Test
    void unknownScheme() {
        assertStartupError(b -> b.redisUrl("memcached://127.0.0.1:11211"), "gatehouse.redis.url", "unknown scheme");
    }

    @Test
    void unreachableHost() throws Exception {
        int port = closedPort();
        assertStartupError(
                b -> b.redisUrl("redis://127.0.0.1:" + port).set("gatehouse.redis.connect-timeout", "500ms"),
                "gatehouse.redis.url",
                "Cannot connect");
    }

    @Test
    void unreachableSentinels() throws Exception {
        int p = closedPort();
        assertStartupError(
                b -> b.redisUrl("redis-sentinel://127.0.0.1:" + p + "#gatehouse")
                        .set("gatehouse.redis.connect-timeout", "500ms"),
                "gatehouse.redis.url",
                "Sentinels");
    }

    @Test
    void wrongPassword() {
        TlsRedis tls = SharedRedis.tls();
        assertStartupError(
                b -> tlsFiles(b, tls)
                        .redisUrl("rediss://" + tls.username() + ":wrong@127.0.0.1:"
                                + tls.masters().get(0).port()),
                "gatehouse.redis.password",
                "refused the credentials");
    }

    @Test
    void wrongPasswordForOnePurposeNamesThatPurposesKey() {
        TlsRedis tls = SharedRedis.tls();
        assertStartupError(
                b -> tlsFiles(b, tls)
                        .redisUrl(tls.url())
                        .set(
                                "gatehouse.redis.events.url",
                                "rediss://127.0.0.1:" + tls.masters().get(0).port())
                        .set("gatehouse.redis.events.username", tls.username())
                        .set("gatehouse.redis.events.password", "nope"),
                "gatehouse.redis.events.password",
                "refused the credentials");
    }

    @Test
    void wrongCa() {
        TlsRedis tls = SharedRedis.tls();
        assertStartupError(
                b -> tlsFiles(b, tls)
                        .redisUrl(tls.url())
                        .set(
                                "gatehouse.redis.tls.ca-file",
                                tls.otherCaCertFile().toString()),
                "gatehouse.redis.tls.ca-file",
                "not trusted");
    }

    @Test
    void missingCertificateFile() {
        TlsRedis tls = SharedRedis.tls();
        assertStartupError(
                b -> tlsFiles(b, tls)
                        .redisUrl(tls.url())
                        .set("gatehouse.redis.tls.cert-file", tls.clientCertFile() + ".missing"),
                "gatehouse.redis.tls.cert-file",
                "no readable file");
    }

    @Test
    void certificateFileThatIsNotACertificate() {
        TlsRedis tls = SharedRedis.tls();
        assertStartupError(
                b -> tlsFiles(b, tls)
                        .redisUrl(tls.url())
                        .set("gatehouse.redis.tls.cert-file", tls.caCertFile().toString())
                        .set("gatehouse.redis.tls.key-file", tls.caCertFile().toString()),
                "gatehouse.redis.tls.cert-file",
                "cannot be used");
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static GatehouseConfig.Builder tlsFiles(GatehouseConfig.Builder b, TlsRedis tls) {
        return b.set("gatehouse.redis.tls.ca-file", tls.caCertFile().toString())
                .set("gatehouse.redis.tls.cert-file", tls.clientCertFile().toString())
                .set("gatehouse.redis.tls.key-file", tls.clientKeyFile().toString());
    }

    private static void assertStartupError(Consumer<GatehouseConfig.Builder> settings, String key, String fragment) {
        GatehouseConfig.Builder b = GatehouseConfig.builder();
        settings.accept(b);
        assertThatThrownBy(() -> {
                    try (Stores stores = Stores.open(b.build())) {
                        stores.health();
                    }
                })
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    System.out.println("startup error for " + key + ": " + e.getMessage());
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage())
                            .contains(key)
                            .contains(fragment)
                            .doesNotContain("\n")
                            .doesNotContain("io.lettuce")
                            .doesNotContain("io.netty")
                            .doesNotContain("wrong@")
                            .doesNotContain(":nope");
                    assertThat(e.getCause()).isNull();
                });
    }
}
