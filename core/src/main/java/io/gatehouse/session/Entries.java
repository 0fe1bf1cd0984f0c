package io.gatehouse.session;

/**
 * What the Lua scripts read of an entry, in Java for the in-memory backend: the name of a session and
 * when an entry expires, in either stored format ({@link RecordCodec}). Kept to exactly the fields the
 * scripts use, parsed the way they parse them, so both backends decide alike.
 */
final class Entries {
    private static final String DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Entries() {}

    static boolean isTrust(String entry) {
        return entry.startsWith("~");
    }

    /** The text formats (trust entries, older sessions) have '|' between fields; the compact one never. */
    private static boolean isText(String entry) {
        return entry.indexOf('|') >= 0;
    }

    /** The session's name, its handle's first part (or {@code ~device} of a trust entry). */
    static String name(String entry) {
        if (isText(entry)) {
            return entry.substring(0, entry.indexOf('|'));
        }
        return entry.substring(0, Math.min(SessionIds.HANDLE_CHARS, entry.length()));
    }

    /** Epoch second the entry expires; {@code Long.MIN_VALUE} if it does not parse (dropped like an expired one). */
    static long expiry(String entry, SessionBackend.Expiry x) {
        long[] times = times(entry);
        if (times == null) {
            return Long.MIN_VALUE;
        }
        return isTrust(entry) ? times[1] : Math.min(times[1] + x.idle(), times[0] + x.absolute());
    }

    /** The last-seen second of a session entry (eviction order). */
    static long lastSeen(String entry) {
        long[] times = times(entry);
        return times == null ? Long.MIN_VALUE : times[1];
    }

    /** {created, last seen} of a session, {since, until} of a trust entry; null if they do not parse. */
    private static long[] times(String entry) {
        if (isText(entry)) {
            String[] f = entry.split("\\|", 4);
            if (f.length < 4) {
                return null;
            }
            try {
                long first = Long.parseLong(f[1], 36);
                long second = Long.parseLong(f[2], 36);
                return isTrust(entry) ? new long[] {first, second} : new long[] {first, first + second};
            } catch (NumberFormatException e) {
                return null;
            }
        }
        // compact: <name16><shape><created: 5 digits><last seen - created: shape & 3 digits>...<mac11>
        int shape = digit(entry, SessionIds.HANDLE_CHARS);
        int seenAt = SessionIds.HANDLE_CHARS + 6;
        if (shape < 0 || entry.length() < seenAt + (shape & 3) + RecordCodec.COMPACT_MAC_CHARS) {
            return null;
        }
        long created = number(entry, SessionIds.HANDLE_CHARS + 1, seenAt);
        long seen = number(entry, seenAt, seenAt + (shape & 3));
        if (created < 0 || seen < 0) {
            return null;
        }
        return new long[] {RecordCodec.EPOCH + created, RecordCodec.EPOCH + created + seen};
    }

    private static long number(String s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = digit(s, i);
            if (d < 0) {
                return -1;
            }
            n = n * 64 + d;
        }
        return n;
    }

    private static int digit(String s, int at) {
        return at < s.length() ? DIGITS.indexOf(s.charAt(at)) : -1;
    }
}
