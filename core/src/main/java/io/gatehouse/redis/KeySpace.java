package io.gatehouse.redis;

import io.lettuce.core.cluster.SlotHash;
import java.util.List;

/**
 * Names Redis keys so that they stay within an ACL key pattern and within one Cluster slot where they
 * must.
 *
 * <p>Every key is {@code <prefix>:<kind>:{<tag>}[:<part>...]}, for example
 * {@code gatehouse:sess:{u42}:index}. Keys that a script or multi-key command touches together are
 * given the same tag, so Redis Cluster places them in one slot; the prefix comes first so that an ACL
 * rule such as {@code ~gatehouse:*} covers every key Gatehouse writes.
 */
public final class KeySpace {
    private final String prefix;

    public KeySpace(String prefix) {
        requireSafe("prefix", prefix);
        this.prefix = prefix;
    }

    /** The configured prefix, {@code gatehouse} by default. */
    public String prefix() {
        return prefix;
    }

    /** {@code <prefix>:<kind>:{<tag>}} followed by {@code :<part>} for each part. */
    public String key(String kind, String tag, String... parts) {
        requireSafe("kind", kind);
        requireSafe("tag", tag);
        StringBuilder sb = new StringBuilder(prefix.length() + kind.length() + tag.length() + 16)
                .append(prefix)
                .append(':')
                .append(kind)
                .append(":{")
                .append(tag)
                .append('}');
        for (String part : parts) {
            requireSafe("part", part);
            sb.append(':').append(part);
        }
        return sb.toString();
    }

    /** A key with no hash tag, for data that is never used together with another key. */
    public String plain(String kind, String... parts) {
        requireSafe("kind", kind);
        StringBuilder sb = new StringBuilder(prefix).append(':').append(kind);
        for (String part : parts) {
            requireSafe("part", part);
            sb.append(':').append(part);
        }
        return sb.toString();
    }

    /** A Pub/Sub channel name under the prefix (ACL channel rules such as {@code &gatehouse:*} cover it). */
    public String channel(String name) {
        requireSafe("channel", name);
        return prefix + ":" + name;
    }

    /** The Redis Cluster slot of a key. */
    public static int slot(String key) {
        return SlotHash.getSlot(key);
    }

    /**
     * Fails if the keys are not all in one Cluster slot. Checked on every script call in every
     * topology, so a key-naming mistake breaks the tests on standalone Redis too, not only on Cluster.
     */
    public static void requireSameSlot(List<String> keys) {
        if (keys.size() < 2) {
            return;
        }
        int slot = slot(keys.get(0));
        for (int i = 1; i < keys.size(); i++) {
            if (slot(keys.get(i)) != slot) {
                throw new IllegalArgumentException("keys in different cluster slots: " + keys.get(0) + " and "
                        + keys.get(i) + "; give keys used together the same hash tag");
            }
        }
    }

    /**
     * Identifiers become parts of keys, so characters that would change a key's meaning are refused:
     * braces (hash tags), the separator-like whitespace and control characters, and empty strings.
     */
    private static void requireSafe(String what, String s) {
        if (s == null || s.isEmpty() || s.length() > 512) {
            throw new IllegalArgumentException("a key " + what + " must be 1 to 512 characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}' || c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(
                        "a key " + what + " may not contain braces, spaces or control characters");
            }
        }
    }
}
