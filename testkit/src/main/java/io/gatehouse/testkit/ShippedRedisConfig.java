package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The production files {@code deploy/redis/redis.conf} and {@code deploy/redis/users.acl} (copied
 * onto the classpath by the build), rendered for a test node: only directives that name ports,
 * addresses, paths and certificate files are replaced, and the password placeholders of the ACL
 * file are replaced by the SHA-256 of test passwords.
 */
final class ShippedRedisConfig {
    private static final String RESOURCES = "/io/gatehouse/testkit/deploy/";

    /** The directives a test may change; everything else runs as shipped. */
    static final List<String> TEMPLATED = List.of(
            "port",
            "tls-port",
            "bind",
            "dir",
            "logfile",
            "pidfile",
            "aclfile",
            "tls-cert-file",
            "tls-key-file",
            "tls-ca-cert-file");

    private ShippedRedisConfig() {}

    /** {@code redis.conf} as shipped. */
    static String redisConf() {
        return read("redis.conf");
    }

    /** {@code users.acl} as shipped, placeholders included. */
    static String usersAcl() {
        return read("users.acl");
    }

    /**
     * The shipped {@code redis.conf} with {@code overrides} applied: each replaces the first line
     * setting that directive (later ones are dropped); one the file lacks is appended.
     *
     * @throws IllegalArgumentException for a directive outside {@link #TEMPLATED}
     */
    static String render(Map<String, String> overrides) {
        for (String directive : overrides.keySet()) {
            if (!TEMPLATED.contains(directive)) {
                throw new IllegalArgumentException(directive + " is not a templated directive");
            }
        }
        Map<String, String> pending = new LinkedHashMap<>(overrides);
        List<String> out = new ArrayList<>();
        for (String line : redisConf().split("\n", -1)) {
            String directive = directiveOf(line);
            if (directive != null && overrides.containsKey(directive)) {
                String value = pending.remove(directive);
                if (value != null) {
                    out.add(directive + " " + value);
                }
                continue;
            }
            out.add(line);
        }
        pending.forEach((directive, value) -> out.add(directive + " " + value));
        return String.join("\n", out) + "\n";
    }

    /**
     * The shipped {@code users.acl} with each {@code #@USER_PASSWORD_SHA256@} placeholder replaced by
     * the hash of {@code passwords.get(user)}.
     *
     * @throws IllegalStateException if a placeholder is left over or a password has no placeholder
     */
    static String users(Map<String, String> passwords) {
        String acl = usersAcl();
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            String placeholder = "@" + e.getKey().toUpperCase(Locale.ROOT) + "_PASSWORD_SHA256@";
            if (!acl.contains(placeholder)) {
                throw new IllegalStateException("users.acl has no placeholder " + placeholder);
            }
            acl = acl.replace(placeholder, sha256Hex(e.getValue()));
        }
        if (acl.contains("_PASSWORD_SHA256@")) {
            throw new IllegalStateException("users.acl has a password placeholder no test password fills");
        }
        return acl;
    }

    /** The directive a config line sets, lower case, or null for comments and blank lines. */
    static String directiveOf(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    }

    static String sha256Hex(String password) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String read(String name) {
        try (InputStream in = ShippedRedisConfig.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        RESOURCES + name + " is not on the classpath (the testkit build copies deploy/redis)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
