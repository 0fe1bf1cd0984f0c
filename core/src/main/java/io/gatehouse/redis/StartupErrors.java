package io.gatehouse.redis;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.RedisEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/*
 * A failed connection at startup surfaces from Lettuce as a chain of four or five exceptions (Netty
 * handshake, SSL engine, Redis auth reply, "unable to connect"). An operator needs one paragraph: which
 * setting is wrong and what Redis or the network said. This reads the chain and writes that paragraph.
 */
final class StartupErrors {
    private StartupErrors() {}

    /**
     * @param keyName maps a Redis setting name ({@code url}, {@code password}, {@code tls.ca-file}) to
     *                the configuration key that supplied it
     */
    static ConfigException explain(String purposes, RedisEndpoint e, UnaryOperator<String> keyName, Throwable failure) {
        List<String> messages = chain(failure);
        String all = String.join(" | ", messages).toLowerCase(Locale.ROOT);
        String root = messages.isEmpty() ? failure.getClass().getSimpleName() : messages.get(messages.size() - 1);
        String where = "Redis for " + purposes + " at " + e.redactedUrl();

        if (all.contains("wrongpass")
                || all.contains("noauth")
                || all.contains("invalid username-password")
                || all.contains("authentication required")) {
            String key = keyName.apply("password");
            return new ConfigException(
                    key,
                    where + " refused the credentials (" + firstMatching(messages, "WRONGPASS", "NOAUTH", "invalid")
                            + "). Check " + keyName.apply("username") + " and " + key
                            + ", or the user:password part of "
                            + keyName.apply("url") + ".");
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            String key = keyName.apply("url");
            return new ConfigException(
                    key,
                    where + " presented a TLS certificate that is not issued for that host (" + root
                            + "). Connect with the host name or address in the certificate, or reissue it.");
        }
        if (all.contains("pkix")
                || all.contains("unable to find valid certification path")
                || all.contains("certificate_unknown")
                || all.contains("signature check failed")
                || all.contains("trust anchor")) {
            String key = keyName.apply("tls.ca-file");
            return new ConfigException(
                    key,
                    where + " presented a TLS certificate that is not trusted (" + root + "). Set "
                            + key + " to the PEM file of the CA that signed the Redis server certificate"
                            + (e.caFile()
                                    .map(f -> "; the file configured now, " + f + ", is not that CA")
                                    .orElse("")) + ".");
        }
        if (all.contains("certificate_required")
                || all.contains("bad_certificate")
                || (all.contains("handshake") && e.tls() && e.certFile().isEmpty())) {
            String key = keyName.apply("tls.cert-file");
            return new ConfigException(
                    key,
                    where + " requires a client certificate that it accepts (" + root + "). Set " + key + " and "
                            + keyName.apply("tls.key-file") + " to a certificate signed by a CA the server trusts.");
        }
        if (all.contains("private key")
                || all.contains("keycertchain")
                || all.contains("x.509")
                || all.contains("keystore")) {
            String key = keyName.apply("tls.cert-file");
            return new ConfigException(
                    key,
                    where + ": the client certificate or key cannot be used (" + root + "). "
                            + key + " must be a PEM certificate and " + keyName.apply("tls.key-file")
                            + " an unencrypted PEM PKCS#8 private key.");
        }
        if (all.contains("noperm")) {
            String key = keyName.apply("username");
            return new ConfigException(
                    key,
                    where + ": the Redis user lacks a permission Gatehouse needs (" + root + "). Grant it ~"
                            + e.keyPrefix() + ":* &" + e.keyPrefix() + ":* and the commands in docs/REDIS.md.");
        }
        String key = keyName.apply("url");
        String advice = switch (e.mode()) {
            case SENTINEL ->
                "Check that the Sentinels listed in " + key + " run, are reachable, and monitor a master named '"
                        + e.sentinelMaster().orElse("") + "'.";
            case CLUSTER ->
                "Check that the seed nodes listed in " + key + " run, are reachable, and form a Redis Cluster "
                        + "(cluster_state:ok).";
            case STANDALONE ->
                "Check that Redis runs at that address and that this host can reach it within "
                        + e.connectTimeout().toMillis() + " ms (" + keyName.apply("connect-timeout") + ").";
        };
        return new ConfigException(key, "Cannot connect to " + where + " (" + key + "): " + root + ". " + advice);
    }

    private static String firstMatching(List<String> messages, String... needles) {
        for (String m : messages) {
            for (String n : needles) {
                if (m.contains(n)) {
                    return m;
                }
            }
        }
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1);
    }

    /** The distinct, non-empty messages of the cause chain, outermost first. */
    private static List<String> chain(Throwable t) {
        Set<String> seen = new LinkedHashSet<>();
        Set<Throwable> visited = new LinkedHashSet<>();
        for (Throwable e = t; e != null && visited.add(e); e = e.getCause()) {
            if (e.getMessage() != null && !e.getMessage().isBlank()) {
                seen.add(e.getMessage().replace('\n', ' ').trim());
            }
            for (Throwable s : e.getSuppressed()) {
                if (s.getMessage() != null) {
                    seen.add(s.getMessage().replace('\n', ' ').trim());
                }
            }
        }
        return new ArrayList<>(seen);
    }
}
