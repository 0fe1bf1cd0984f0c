package io.gatehouse.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Input checks: bad names are refused before anything is read or written. */
final class Keys {
    private Keys() {}

    /** Same rule as {@link io.gatehouse.redis.KeySpace}: the key becomes a hash tag. */
    static void requireKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) {
            throw new IllegalArgumentException("a cache key must be 1 to 512 characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '{' || c == '}' || c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(
                        "a cache key may not contain braces, whitespace or control characters");
            }
        }
    }

    /** Groups are also written into entries as {@code name=generation,...}. */
    static void requireGroup(String group) {
        if (group == null || group.isEmpty() || group.length() > 200) {
            throw new IllegalArgumentException("a cache group must be 1 to 200 characters");
        }
        for (int i = 0; i < group.length(); i++) {
            char c = group.charAt(i);
            if (c == '{' || c == '}' || c <= ' ' || c == 0x7f || c == '|' || c == ',' || c == '=') {
                throw new IllegalArgumentException(
                        "a cache group may not contain braces, whitespace, control characters or | , =");
            }
        }
    }

    static List<String> requireGroups(Collection<String> groups) {
        Objects.requireNonNull(groups, "groups");
        if (groups.isEmpty()) {
            return List.of();
        }
        List<String> list = new ArrayList<>(groups.size());
        for (String g : groups) {
            requireGroup(g);
            if (!list.contains(g)) {
                list.add(g);
            }
        }
        return List.copyOf(list);
    }

    /** Cache names are part of key kinds and of messages: a small alphabet. */
    static void requireName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a cache name must be 1 to 64 characters of a-z, 0-9, '_', '.', '-' "
                    + "starting with a letter or digit, not '" + name + "'");
        }
    }
}
