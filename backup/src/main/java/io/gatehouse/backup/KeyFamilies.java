package io.gatehouse.backup;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a snapshot's keys per key family, from the kind segment of Gatehouse's key names
 * ({@code <prefix>:<kind>:{<tag>}...}, see {@code KeySpace}): the families an operator cares about
 * after a disaster (sessions, refresh families, revocations, lockouts, events) rather than raw kinds.
 */
final class KeyFamilies {
    /** Kind segment → family, from the capability packages' key names in core. */
    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("s", "sessions"),
            Map.entry("ua", "sessions"),
            Map.entry("rt", "refresh-families"),
            Map.entry("rev", "revocations"),
            Map.entry("tok", "signing-keys"),
            Map.entry("rl", "rate-limits"),
            Map.entry("lock", "lockouts"),
            Map.entry("lockip", "lockouts"),
            Map.entry("lockindex", "lockouts"),
            Map.entry("ev", "events"),
            Map.entry("cache", "cache"),
            Map.entry("cache-group", "cache"),
            Map.entry("backup", "backup-lease"));

    private static final String OTHER = "other";
    private static final int BUDGET = 200_000;
    private static final String SCRIPT = load();

    private KeyFamilies() {}

    /** The family of a kind segment; unknown Gatehouse kinds keep their own name, foreign keys are "other". */
    static String family(String kind) {
        if (kind.isEmpty()) {
            return OTHER;
        }
        return FAMILIES.getOrDefault(kind, "kind:" + kind);
    }

    /** Keys per family, and keys with a TTL per family. */
    record Counts(Map<String, Long> keys, Map<String, Long> volatileKeys) {
        long total() {
            return keys.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Counts count(Scratch scratch, String keyPrefix) {
        RedisCommands<byte[], byte[]> redis = scratch.connection().sync();
        Map<String, Long> keys = new TreeMap<>();
        Map<String, Long> ttl = new TreeMap<>();
        byte[] cursor = "0".getBytes(StandardCharsets.US_ASCII);
        do {
            List<Object> reply = redis.eval(
                    SCRIPT,
                    ScriptOutputType.MULTI,
                    new byte[0][],
                    cursor,
                    (keyPrefix + ":").getBytes(StandardCharsets.UTF_8),
                    Integer.toString(BUDGET).getBytes(StandardCharsets.US_ASCII));
            cursor = (byte[]) reply.get(0);
            for (int i = 1; i + 2 < reply.size(); i += 3) {
                String family = family(new String((byte[]) reply.get(i), StandardCharsets.UTF_8));
                keys.merge(family, (Long) reply.get(i + 1), Long::sum);
                long withTtl = (Long) reply.get(i + 2);
                ttl.merge(family, withTtl, Long::sum);
            }
        } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
        return new Counts(keys, ttl);
    }

    private static String load() {
        try (InputStream in = KeyFamilies.class.getResourceAsStream("count-keys.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("count-keys.lua missing from the classpath", e);
        }
    }
}
