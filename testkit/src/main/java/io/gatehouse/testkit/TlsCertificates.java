package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test certificates made by the shipped {@code scripts/tls-certs} (copied onto the classpath by the
 * build): an EC P-256 CA, a server certificate for {@code 127.0.0.1}/{@code localhost} and a client
 * certificate signed by it, and an unrelated second CA. Keys are unencrypted PKCS#8 PEM ({@code
 * BEGIN PRIVATE KEY}), which Netty requires.
 *
 * @param caCert the CA that signed the server and client certificates
 * @param serverCert server certificate
 * @param serverKey server key
 * @param clientCert client certificate
 * @param clientKey client key
 * @param otherCaCert a CA that signed nothing used here
 */
record TlsCertificates(
        Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCaCert) {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    private static final String SCRIPT = "/io/gatehouse/testkit/deploy/tls-certs";

    /** Generates everything in {@code dir}: the deployment's CA and leaves, and the unrelated CA. */
    static TlsCertificates generate(Path dir) {
        Binaries.locate(Binaries.OPENSSL); // fails with installation advice before the script would
        Path script = dir.resolve("tls-certs");
        try (InputStream in = TlsCertificates.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is not on the classpath (the testkit build copies it)");
            }
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        Path main = dir.resolve("main");
        Path other = dir.resolve("other");
        Parallel.run(List.of(
                () -> run(script, main, "--server", "server=IP:127.0.0.1,DNS:localhost", "--client", "client"),
                () -> run(script, other, "--client", "unused")));
        return new TlsCertificates(
                main.resolve("ca.crt"),
                main.resolve("server.crt"),
                main.resolve("server.key"),
                main.resolve("client.crt"),
                main.resolve("client.key"),
                other.resolve("ca.crt"));
    }

    private static void run(Path script, Path out, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString(), out.toString()));
        command.addAll(List.of(args));
        CommandRunner.Result result = CommandRunner.run(command, SCRIPT_TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("certificate generation failed: " + result.describe());
        }
    }
}
