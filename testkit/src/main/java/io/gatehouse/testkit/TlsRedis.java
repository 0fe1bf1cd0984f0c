package io.gatehouse.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code redis-server} started from the shipped {@code deploy/redis/redis.conf} and
 * {@code deploy/redis/users.acl} (only ports, paths and certificate files changed): TLS only
 * ({@code port 0}, {@code tls-port P}) with client certificates required, {@code default} off, the
 * least-privilege users {@code gatehouse}, {@code ops}, {@code monitor}, {@code sentinel} and
 * {@code restore} with random passwords,
 * plus one test-only user {@code testkit} ({@code +@all}) that {@link #flushAll()} and {@link
 * RedisNode#cli} use for housekeeping the shipped users may not do. Certificates are generated per
 * deployment with {@code openssl} into the deployment's own temporary directory.
 */
public final class TlsRedis implements RedisDeployment {
    static final String USERNAME = "gatehouse";
    static final String OPS = "ops";
    static final String MONITOR = "monitor";
    static final String SENTINEL = "sentinel";
    static final String RESTORE = "restore";
    /** The test-only administrator; not in the shipped ACL. */
    static final String ADMIN = "testkit";

    private final RedisNode node;
    private final Path certDir;
    private final TlsCertificates certificates;
    private final Map<String, String> passwords;

    private TlsRedis(RedisNode node, Path certDir, TlsCertificates certificates, Map<String, String> passwords) {
        this.node = node;
        this.certDir = certDir;
        this.certificates = certificates;
        this.passwords = passwords;
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
            Map<String, String> passwords = new LinkedHashMap<>();
            for (String user : List.of(USERNAME, OPS, MONITOR, SENTINEL, RESTORE, ADMIN)) {
                passwords.put(user, RandomHex.of(16));
            }
            RedisNode node =
                    PortRetry.withFreshPorts(() -> RedisNode.start(spec(FreePorts.next(), certificates, passwords)));
            return new TlsRedis(node, certDir, certificates, Map.copyOf(passwords));
        } catch (RuntimeException e) {
            deleteCertDir(certDir);
            throw e;
        }
    }

    private static void deleteCertDir(Path certDir) {
        TempDirs.deleteRecursively(certDir);
        PidRegistry.unregisterDir(certDir);
    }

    private static NodeSpec spec(int port, TlsCertificates certificates, Map<String, String> passwords) {
        Map<String, String> shipped = new LinkedHashMap<>(passwords);
        shipped.remove(ADMIN);
        String acl = ShippedRedisConfig.users(shipped)
                + "user " + ADMIN + " on #" + ShippedRedisConfig.sha256Hex(passwords.get(ADMIN))
                + " ~* &* +@all\n";
        return NodeSpec.shippedTlsServer(port, acl, cliArgs(certificates, ADMIN, passwords.get(ADMIN)))
                .withConfig(
                        "tls-cert-file " + NodeSpec.quote(certificates.serverCert()),
                        "tls-key-file " + NodeSpec.quote(certificates.serverKey()),
                        "tls-ca-cert-file " + NodeSpec.quote(certificates.caCert()));
    }

    private static List<String> cliArgs(TlsCertificates certificates, String user, String password) {
        List<String> args = new ArrayList<>(tlsArgs(certificates));
        args.addAll(List.of("--user", user, "--pass", password, "--no-auth-warning"));
        return args;
    }

    /** redis-cli flags for TLS with the client certificate as {@code user} (its password in argv). */
    List<String> cliArgsAs(String user) {
        return cliArgs(certificates, user, password(user));
    }

    String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user);
        }
        return password;
    }

    /** redis-cli flags for TLS with the client certificate, without any user (for tests). */
    static List<String> tlsArgs(TlsCertificates certificates) {
        return List.of(
                "--tls",
                "--cacert",
                certificates.caCert().toString(),
                "--cert",
                certificates.clientCert().toString(),
                "--key",
                certificates.clientKey().toString());
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
        return password(USERNAME);
    }

    /**
     * The random password of the shipped {@code ops} user (backups, replication).
     *
     * @return the password
     */
    public String opsPassword() {
        return password(OPS);
    }

    /**
     * The random password of the shipped {@code restore} user (backup restore: {@code RESTORE} on the prefix).
     *
     * @return the password
     */
    public String restorePassword() {
        return password(RESTORE);
    }

    /**
     * The random password of the shipped read-only {@code monitor} user (redis_exporter).
     *
     * @return the password
     */
    public String monitorPassword() {
        return password(MONITOR);
    }

    /**
     * redis-cli's TLS flags for this deployment (CA, client certificate and key), without a user.
     *
     * @return the flags
     */
    public List<String> redisCliTlsArgs() {
        return tlsArgs(certificates);
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
        return "rediss://" + USERNAME + ":" + password() + "@" + node.host() + ":" + node.port();
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
