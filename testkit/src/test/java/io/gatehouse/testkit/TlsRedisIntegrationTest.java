package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class TlsRedisIntegrationTest {

    @Test
    void gatehouseUserWorksOverTls(TlsRedis redis) {
        RedisNode node = redis.node();
        assertThat(RedisCli.checked(node.port(), redis.cliArgsAs("gatehouse"), "PING"))
                .isEqualTo("PONG");
        assertThat(RedisCli.checked(node.port(), redis.cliArgsAs("gatehouse"), "SET", "gatehouse:x", "1"))
                .isEqualTo("OK");
        assertThat(redis.username()).isEqualTo("gatehouse");
        assertThat(redis.url()).isEqualTo("rediss://gatehouse:" + redis.password() + "@127.0.0.1:" + node.port());
        assertThat(redis.masters()).containsExactly(node);

        node.cli("SET", "gatehouse:tls", "1");
        redis.flushAll();
        assertThat(node.cli("DBSIZE")).isEqualTo("0");
    }

    @Test
    void keysOutsideTheGatehousePrefixAreForbidden(TlsRedis redis) {
        assertThatThrownBy(() ->
                        RedisCli.checked(redis.node().port(), redis.cliArgsAs("gatehouse"), "SET", "other:key", "1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NOPERM");
    }

    @Test
    void defaultUserIsRefused(TlsRedis redis) {
        CommandRunner.Result anonymous =
                RedisCli.run(redis.node().port(), TlsRedis.tlsArgs(redis.certificates()), RedisCli.TIMEOUT, "PING");
        assertThat(anonymous.ok()).isFalse();
        assertThat(anonymous.stdout() + anonymous.stderr()).contains("NOAUTH");
    }

    @Test
    void plainTcpAndTheWrongCaAreRefused(TlsRedis redis) {
        int port = redis.node().port();
        assertThat(RedisCli.run(port, List.of(), RedisCli.TIMEOUT, "PING").ok()).isFalse();

        List<String> wrongCa = List.of(
                "--tls",
                "--cacert",
                redis.otherCaCertFile().toString(),
                "--user",
                "gatehouse",
                "--pass",
                redis.password(),
                "--no-auth-warning");
        CommandRunner.Result result = RedisCli.run(port, wrongCa, RedisCli.TIMEOUT, "PING");
        assertThat(result.ok()).isFalse();
        assertThat(result.stdout()).doesNotContain("PONG");
    }

    @Test
    void certificateFilesArePem(TlsRedis redis) throws IOException {
        assertThat(Files.readString(redis.caCertFile())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(redis.clientCertFile())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(redis.otherCaCertFile())).startsWith("-----BEGIN CERTIFICATE-----");
        // PKCS#8, as Netty requires, not "BEGIN EC PRIVATE KEY".
        assertThat(Files.readString(redis.clientKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(redis.otherCaCertFile()).isNotEqualTo(redis.caCertFile());
    }

    @Test
    void privateTlsServerRestartsOverTlsAndCleansUp() {
        TlsRedis redis = TlsRedis.start();
        RedisNode node = redis.node();
        long firstPid = node.pid();
        node.restart();
        long secondPid = node.pid();
        assertThat(node.cli("PING")).isEqualTo("PONG");
        redis.close();
        ProcessAssertions.assertGone(List.of(node), List.of(firstPid, secondPid));
        assertThat(redis.caCertFile()).doesNotExist();
    }
}
