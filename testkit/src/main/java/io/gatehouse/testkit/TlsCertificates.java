package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test certificates made with the {@code openssl} CLI: an EC P-256 CA, a server certificate for
 * {@code 127.0.0.1}/{@code localhost} and a client certificate signed by it, and an unrelated
 * second CA. Keys are unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), which Netty requires.
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

  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  /** Extension sections referenced by name below; {@code prompt = no} keeps openssl off stdin. */
  private static final String CONFIG =
      String.join(
          "\n",
          "[req]",
          "distinguished_name = dn",
          "prompt = no",
          "[dn]",
          "CN = unused",
          "[ca_ext]",
          "basicConstraints = critical,CA:TRUE",
          "keyUsage = critical,keyCertSign,cRLSign",
          "subjectKeyIdentifier = hash",
          "[server_ext]",
          "basicConstraints = critical,CA:FALSE",
          "keyUsage = critical,digitalSignature,keyAgreement",
          "extendedKeyUsage = serverAuth",
          "subjectAltName = IP:127.0.0.1,DNS:localhost",
          "subjectKeyIdentifier = hash",
          "authorityKeyIdentifier = keyid",
          "[client_ext]",
          "basicConstraints = critical,CA:FALSE",
          "keyUsage = critical,digitalSignature,keyAgreement",
          "extendedKeyUsage = clientAuth",
          "subjectKeyIdentifier = hash",
          "authorityKeyIdentifier = keyid",
          "");

  /** Generates everything in {@code dir}; the two CAs first, then both leaves, each pair at once. */
  static TlsCertificates generate(Path dir) {
    Path config = dir.resolve("openssl.cnf");
    try {
      Files.writeString(config, CONFIG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    TlsCertificates files =
        new TlsCertificates(
            dir.resolve("ca.crt"),
            dir.resolve("server.crt"),
            dir.resolve("server.key"),
            dir.resolve("client.crt"),
            dir.resolve("client.key"),
            dir.resolve("other-ca.crt"));
    Path caKey = dir.resolve("ca.key");
    Parallel.run(
        List.of(
            () -> issue(config, "Gatehouse Test CA", "ca_ext", files.caCert, caKey, null, null),
            () ->
                issue(
                    config,
                    "Gatehouse Unrelated Test CA",
                    "ca_ext",
                    files.otherCaCert,
                    dir.resolve("other-ca.key"),
                    null,
                    null)));
    Parallel.run(
        List.of(
            () ->
                issue(
                    config, "localhost", "server_ext", files.serverCert, files.serverKey,
                    files.caCert, caKey),
            () ->
                issue(
                    config, "gatehouse-test-client", "client_ext", files.clientCert,
                    files.clientKey, files.caCert, caKey)));
    return files;
  }

  /**
   * One {@code openssl req -x509} run makes a new key and its certificate: self-signed when
   * {@code signerCert} is null, otherwise signed by it ({@code -CA}, OpenSSL 3).
   */
  private static void issue(
      Path config, String commonName, String extensions, Path cert, Path key, Path signerCert,
      Path signerKey) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Binaries.locate(Binaries.OPENSSL).toString(), "req", "-x509", "-new",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
                "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=" + commonName, "-days", "3650", "-sha256",
                "-config", config.toString(), "-extensions", extensions));
    if (signerCert != null) {
      command.addAll(List.of("-CA", signerCert.toString(), "-CAkey", signerKey.toString()));
    }
    CommandRunner.Result result = CommandRunner.run(command, OPENSSL_TIMEOUT);
    if (!result.ok()) {
      throw new IllegalStateException("certificate generation failed: " + result.describe());
    }
  }
}
