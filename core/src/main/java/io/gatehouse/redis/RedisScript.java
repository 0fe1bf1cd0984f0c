package io.gatehouse.redis;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * A Lua script kept as a {@code .lua} resource beside the class that runs it. Scripts run by SHA
 * ({@code EVALSHA}); a server that does not know the script (restarted, failed over, flushed, or a
 * cluster node that never saw it) gets the body once ({@code EVAL}), which also caches it there.
 */
public final class RedisScript {

    /** What the script returns. */
    public enum Reply {
        /** A Lua number, returned as {@code Long}. */
        INTEGER(ScriptOutputType.INTEGER),
        /** A bulk string, returned as {@code String} (or null for Lua {@code false}/nil). */
        VALUE(ScriptOutputType.VALUE),
        /** A table, returned as {@code List<Object>} of Long, String and nested lists. */
        MULTI(ScriptOutputType.MULTI),
        /** A status reply, returned as {@code String}. */
        STATUS(ScriptOutputType.STATUS),
        /** A Lua boolean (true is 1), returned as {@code Boolean}. */
        BOOLEAN(ScriptOutputType.BOOLEAN);

        final ScriptOutputType type;

        Reply(ScriptOutputType type) {
            this.type = type;
        }
    }

    private static final String INCLUDE = "-- @include ";

    private final String name;
    private final String body;
    private final String sha;
    private final Reply reply;

    private RedisScript(String name, String body, Reply reply) {
        this.name = name;
        this.body = body;
        this.reply = reply;
        this.sha = sha1(body);
    }

    /**
     * Loads {@code resource} (for example {@code rotate.lua}) from the package of {@code owner}.
     * The name used in errors is the package's last segment plus the file name, e.g. {@code token/rotate}.
     */
    public static RedisScript load(Class<?> owner, String resource, Reply reply) {
        String pkg = owner.getPackageName();
        String name = pkg.substring(pkg.lastIndexOf('.') + 1) + "/" + resource.replace(".lua", "");
        return new RedisScript(name, withIncludes(read(owner, resource), r -> read(owner, r)), reply);
    }

    /**
     * The body with each line {@code -- @include <resource>} replaced by that resource's text. Redis gives
     * a script no way to call another, so Lua helpers that several scripts share live in one file and are
     * put into each body before it is sent (and hashed). One level: an included file includes nothing.
     */
    static String withIncludes(String body, UnaryOperator<String> read) {
        if (!body.contains(INCLUDE)) {
            return body;
        }
        StringBuilder out = new StringBuilder(body.length() + 2048);
        for (String line : body.split("\n", -1)) {
            if (line.startsWith(INCLUDE)) {
                out.append(read.apply(line.substring(INCLUDE.length()).strip()));
            } else {
                out.append(line).append('\n');
            }
        }
        return out.substring(0, out.length() - 1);
    }

    private static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("script resource " + resource + " not found beside " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script given as text (tests and tools). */
    public static RedisScript of(String name, String body, Reply reply) {
        return new RedisScript(name, body, reply);
    }

    public String name() {
        return name;
    }

    public String body() {
        return body;
    }

    /** The SHA-1 that {@code EVALSHA} uses, computed locally so no round trip is needed to learn it. */
    public String sha() {
        return sha;
    }

    public Reply reply() {
        return reply;
    }

    private static String sha1(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the JDK", e);
        }
    }

    @Override
    public String toString() {
        return "RedisScript[" + name + " " + sha.substring(0, 8) + "]";
    }
}
