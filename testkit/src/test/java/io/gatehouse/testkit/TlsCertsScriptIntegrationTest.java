package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/tls-certs}: what it makes, with which permissions, and that a re-run keeps the CA. */
class TlsCertsScriptIntegrationTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "tls-certs");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void defaultsMakeACaARedisServerAndTheThreeClientsWithPrivateKeys(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("tls");
        CommandRunner.Result result = script(dir.toString());
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(result.stdout()).contains("Rotation:").contains("ca.key offline");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        for (String name : List.of("ca", "redis", "gatehouse", "ops", "monitor")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name + ".key"))))
                    .as(name)
                    .isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve(name + ".key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        }
        String server = openssl("x509", "-in", dir.resolve("redis.crt").toString(), "-noout", "-text");
        assertThat(server)
                .contains("DNS:redis", "DNS:localhost", "IP Address:127.0.0.1")
                .contains("TLS Web Server Authentication")
                .contains("CA:FALSE");
        assertThat(openssl("x509", "-in", dir.resolve("ops.crt").toString(), "-noout", "-text"))
                .contains("TLS Web Client Authentication")
                .contains("Subject: CN = ops");
        assertThat(openssl(
                        "verify",
                        "-CAfile",
                        dir.resolve("ca.crt").toString(),
                        dir.resolve("redis.crt").toString(),
                        dir.resolve("monitor.crt").toString()))
                .contains("redis.crt: OK")
                .contains("monitor.crt: OK");
        // 397 days: valid in 396, expired in 398.
        assertThat(checkEnd(dir.resolve("redis.crt"), 396)).isTrue();
        assertThat(checkEnd(dir.resolve("redis.crt"), 398)).isFalse();
    }

    @Test
    void aSecondRunReissuesLeavesUnderTheSameCa(@TempDir Path dir) throws IOException {
        assertThat(script(dir.toString(), "--server", "r1=DNS:r1.internal", "--days", "30")
                        .ok())
                .isTrue();
        String ca = Files.readString(dir.resolve("ca.crt"));
        String first = Files.readString(dir.resolve("r1.crt"));
        CommandRunner.Result again = script(dir.toString(), "--server", "r1=DNS:r1.internal", "--days", "30");
        assertThat(again.stdout()).contains("ca.crt reused");
        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readString(dir.resolve("r1.crt"))).isNotEqualTo(first);
        assertThat(checkEnd(dir.resolve("r1.crt"), 29)).isTrue();
        assertThat(checkEnd(dir.resolve("r1.crt"), 31)).isFalse();
        assertThat(openssl("x509", "-in", dir.resolve("r1.crt").toString(), "-noout", "-ext", "subjectAltName"))
                .contains("DNS:r1.internal")
                .doesNotContain("localhost");
    }

    @Test
    void badArgumentsAreNamedAndExitNonZero(@TempDir Path dir) {
        CommandRunner.Result result = script(dir.toString(), "--days", "soon");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("tls-certs: --days must be a positive number, not 'soon'");
        assertThat(script(dir.toString(), "--bogus").stderr()).startsWith("tls-certs: unknown argument '--bogus'");
    }

    private static boolean checkEnd(Path cert, int days) {
        return CommandRunner.run(
                        List.of(
                                "openssl",
                                "x509",
                                "-in",
                                cert.toString(),
                                "-noout",
                                "-checkend",
                                Long.toString(days * 86_400L)),
                        TIMEOUT)
                .ok();
    }

    private static CommandRunner.Result script(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return CommandRunner.run(command, TIMEOUT);
    }

    private static String openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        CommandRunner.Result result = CommandRunner.run(command, TIMEOUT);
        assertThat(result.ok()).as(result.describe()).isTrue();
        return result.stdout();
    }
}
