package io.gatehouse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to reach one Redis deployment. Two purposes whose endpoints are equal share one
 * connection.
 *
 * @param mode           standalone, Sentinel or Cluster, from the URL scheme
 * @param tls            whether the URL scheme was {@code rediss*}
 * @param nodes          the server (standalone), the Sentinels, or the Cluster seed nodes
 * @param sentinelMaster the monitored master's name (Sentinel only, from the URL fragment)
 * @param database       the logical database (standalone and Sentinel only)
 * @param username       the ACL user, if any
 * @param password       the password, if any; never printed by {@link #toString()}
 * @param connectTimeout how long opening a connection may take
 * @param commandTimeout how long one command may take before the caller gets a timeout error
 * @param caFile         PEM file of the CA that signs the server certificate (TLS); the JDK's trust store if empty
 * @param certFile       PEM client certificate (TLS with client authentication)
 * @param keyFile        PEM PKCS#8 private key of the client certificate
 * @param verifyPeer     whether the server certificate and host name are verified (TLS)
 * @param keyPrefix      the first segment of every key, {@code gatehouse} by default
 * @param retryInterval  how often a target whose circuit is open is probed for recovery
 * @param durability     when security writes count as acknowledged (purposes that differ in it do not
 *                       share a connection)
 * @param spinWait       how long a caller that is this process's only one waiting for Redis spins for the
 *                       reply before it parks ({@link Duration#ZERO}: never; purposes that differ in it do
 *                       not share a connection); see docs/REDIS.md
 */
public record RedisEndpoint(
        RedisMode mode,
        boolean tls,
        List<HostAndPort> nodes,
        Optional<String> sentinelMaster,
        int database,
        Optional<String> username,
        Optional<String> password,
        Duration connectTimeout,
        Duration commandTimeout,
        Optional<Path> caFile,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        boolean verifyPeer,
        String keyPrefix,
        Duration retryInterval,
        Durability durability,
        Duration spinWait) {

    /** The longest {@link #spinWait()} allowed: past it, a wait is a network's, not a wake-up's. */
    public static final Duration MAX_SPIN_WAIT = Duration.ofMillis(1);

    public RedisEndpoint {
        nodes = List.copyOf(nodes);
        if (spinWait.isNegative() || spinWait.compareTo(MAX_SPIN_WAIT) > 0) {
            throw new IllegalArgumentException("spinWait must be between 0 and " + MAX_SPIN_WAIT + ": " + spinWait);
        }
    }

    /**
     * This endpoint with another command timeout, every other component unchanged; for a tool whose
     * commands are long by nature (a pipelined restore) on an endpoint configured for request latency.
     *
     * @param timeout how long one command may take
     * @return the changed copy
     */
    public RedisEndpoint withCommandTimeout(Duration timeout) {
        return new RedisEndpoint(
                mode,
                tls,
                nodes,
                sentinelMaster,
                database,
                username,
                password,
                connectTimeout,
                java.util.Objects.requireNonNull(timeout, "timeout"),
                caFile,
                certFile,
                keyFile,
                verifyPeer,
                keyPrefix,
                retryInterval,
                durability,
                spinWait);
    }

    /** The URL without credentials, safe to log. */
    public String redactedUrl() {
        String scheme = (tls ? "rediss" : "redis")
                + switch (mode) {
                    case STANDALONE -> "";
                    case SENTINEL -> "-sentinel";
                    case CLUSTER -> "-cluster";
                };
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (username.isPresent() || password.isPresent()) {
            sb.append(username.orElse(""))
                    .append(password.isPresent() ? ":***" : "")
                    .append('@');
        }
        for (int i = 0; i < nodes.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(nodes.get(i));
        }
        if (database != 0) {
            sb.append('/').append(database);
        }
        sentinelMaster.ifPresent(m -> sb.append('#').append(m));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RedisEndpoint[" + redactedUrl() + ", connectTimeout=" + connectTimeout + ", commandTimeout="
                + commandTimeout + ", keyPrefix=" + keyPrefix + ", durability=" + durability + "]";
    }
}
