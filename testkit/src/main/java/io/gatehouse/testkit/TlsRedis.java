package io.gatehouse.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code redis-server} reachable only over TLS ({@code port 0}, {@code tls-port P}), client
 * certificates optional, with ACL users {@code default off} and
 * {@code gatehouse on >PASSWORD ~gatehouse:* &gatehouse:* +@all}. Certificates are generated per
 * deployment with {@code openssl} into the deployment's own temporary directory.
 */
public final class TlsRedis implements RedisDeployment {
  static final String USERNAME = "gatehouse";

  private final RedisNode node;
  private final Path certDir;
  private final TlsCertificates certificates;
  private final String password;

  private TlsRedis(RedisNode node, Path certDir, TlsCertificates certificates, String password) {
    this.node = node;
    this.certDir = certDir;
    this.certificates = certificates;
    this.password = password;
  }

  /**
   * Generates certificates, starts the server and waits until it answers PING over TLS as user
   * {@code gatehouse}.
   *
   * @return the running server
   */
  public static TlsRedis start() {
    // Certificates get their own temp dir, made before the node's, so that a port-clash retry
    // (which deletes the failed node's dir) keeps them. It is recorded so a killed JVM's is reaped.
    PidRegistry.reapOrphansOnce();
    Path certDir = TempDirs.create();
    PidRegistry.registerDir(certDir);
    try {
      TlsCertificates certificates = TlsCertificates.generate(certDir);
      String password = RandomHex.of(16);
      RedisNode node =
          PortRetry.withFreshPorts(
              () -> RedisNode.start(spec(FreePorts.next(), certificates, password)));
      return new TlsRedis(node, certDir, certificates, password);
    } catch (RuntimeException e) {
      deleteCertDir(certDir);
      throw e;
    }
  }

  private static void deleteCertDir(Path certDir) {
    TempDirs.deleteRecursively(certDir);
    PidRegistry.unregisterDir(certDir);
  }

  private static NodeSpec spec(int port, TlsCertificates certificates, String password) {
    List<String> cliArgs = new ArrayList<>(tlsArgs(certificates));
    cliArgs.addAll(List.of("--user", USERNAME, "--pass", password, "--no-auth-warning"));
    return NodeSpec.server(port)
        .withConfig(
            "tls-cert-file " + NodeSpec.quote(certificates.serverCert()),
            "tls-key-file " + NodeSpec.quote(certificates.serverKey()),
            "tls-ca-cert-file " + NodeSpec.quote(certificates.caCert()),
            "tls-auth-clients optional",
            // ACL rules must come from a file: as command-line flags Redis rejects the spaces.
            "user default off",
            "user " + USERNAME + " on >" + password + " ~gatehouse:* &gatehouse:* +@all")
        .withTls(cliArgs);
  }

  /** redis-cli flags for TLS with the client certificate, without any user (for tests). */
  static List<String> tlsArgs(TlsCertificates certificates) {
    return List.of(
        "--tls",
        "--cacert", certificates.caCert().toString(),
        "--cert", certificates.clientCert().toString(),
        "--key", certificates.clientKey().toString());
  }

  TlsCertificates certificates() {
    return certificates;
  }

  /**
   * The server process; its {@link RedisNode#port()} is the TLS port.
   *
   * @return the node
   */
  public RedisNode node() {
    return node;
  }

  /**
   * The ACL user with access to {@code gatehouse:*} keys and channels.
   *
   * @return {@code "gatehouse"}
   */
  public String username() {
    return USERNAME;
  }

  /**
   * The random password of {@link #username()} (hex, safe in a URL).
   *
   * @return the password
   */
  public String password() {
    return password;
  }

  /**
   * The CA that signed the server certificate (and the client certificate).
   *
   * @return PEM file
   */
  public Path caCertFile() {
    return certificates.caCert();
  }

  /**
   * A client certificate signed by {@link #caCertFile()}.
   *
   * @return PEM file
   */
  public Path clientCertFile() {
    return certificates.clientCert();
  }

  /**
   * The key of {@link #clientCertFile()}: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), EC P-256.
   *
   * @return PEM file
   */
  public Path clientKeyFile() {
    return certificates.clientKey();
  }

  /**
   * A second CA that signed nothing here, for tests where the client trusts the wrong CA.
   *
   * @return PEM file
   */
  public Path otherCaCertFile() {
    return certificates.otherCaCert();
  }

  /** {@inheritDoc} */
  @Override
  public Topology topology() {
    return Topology.TLS;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code rediss://gatehouse:PASSWORD@127.0.0.1:PORT}
   */
  @Override
  public String url() {
    return "rediss://" + USERNAME + ":" + password + "@" + node.host() + ":" + node.port();
  }

  /** {@inheritDoc} */
  @Override
  public void flushAll() {
    node.cli("FLUSHALL");
  }

  /** {@inheritDoc} */
  @Override
  public List<RedisNode> masters() {
    return List.of(node);
  }

  /** {@inheritDoc} Also deletes the certificates. */
  @Override
  public void close() {
    node.close();
    deleteCertDir(certDir);
  }

  /**
   * Describes the deployment for messages (without the password).
   *
   * @return topology and address
   */
  @Override
  public String toString() {
    return "TlsRedis rediss://" + node.host() + ":" + node.port();
  }
}
