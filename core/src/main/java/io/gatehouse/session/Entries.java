package io.gatehouse.session;

/**
 * What the Lua scripts read of an entry, in Java for the in-memory backend: the id of a session and
 * when an entry expires. Kept to exactly the fields the scripts use so both backends decide alike.
 */
final class Entries {
    private Entries() {}

    static boolean isTrust(String entry) {
        return entry.startsWith("~");
    }

    /** The session's name, its handle's first part (or {@code ~device} of a trust entry). */
    static String name(String entry) {
        int bar = entry.indexOf('|');
        return bar < 0 ? entry : entry.substring(0, bar);
    }

    /** Epoch second the entry expires; {@code Long.MIN_VALUE} if it does not parse (dropped like an expired one). */
    static long expiry(String entry, SessionBackend.Expiry x) {
        String[] f = entry.split("\\|", 4);
        if (f.length < 4) {
            return Long.MIN_VALUE;
        }
        try {
            if (isTrust(entry)) {
                return Long.parseLong(f[2], 36);
            }
            long created = Long.parseLong(f[1], 36);
            long lastSeen = created + Long.parseLong(f[2], 36);
            return Math.min(lastSeen + x.idle(), created + x.absolute());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The last-seen second of a session entry (eviction order). */
    static long lastSeen(String entry) {
        String[] f = entry.split("\\|", 4);
        return Long.parseLong(f[1], 36) + Long.parseLong(f[2], 36);
    }
}
