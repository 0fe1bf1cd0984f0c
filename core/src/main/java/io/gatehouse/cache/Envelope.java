package io.gatehouse.cache;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/*
 * What a cache entry looks like in the store: one string, so a read is one GET.
 *
 *   v|<expiresAtMillis>|<loadMillis>|<group>=<generation>,...|<json>     a value
 *   n|<expiresAtMillis>|<loadMillis>|<group>=<generation>,...|           "absent" (negative caching)
 *
 * expiresAt and the load time feed XFetch (early refresh); the store's own TTL does the expiring.
 * Each group is stamped with its generation at the time the value was read from its source; a
 * group invalidation bumps the generation, and a value whose stamp differs is treated as absent.
 *
 * Decoding keeps the raw string and where its JSON starts, and Jackson reads the JSON straight from
 * it (jsonReader): no copy of the value besides the one Jackson makes into its own buffer.
 */
record Envelope(
        boolean present,
        long expiresAt,
        long loadMillis,
        List<String> groups,
        List<String> generations,
        String raw,
        int jsonStart) {

    static final String NO_GENERATION = "0";

    static String encode(
            boolean present,
            long expiresAt,
            long loadMillis,
            List<String> groups,
            List<String> generations,
            String json) {
        StringBuilder sb = new StringBuilder(json == null ? 48 : json.length() + 48);
        sb.append(present ? 'v' : 'n')
                .append('|')
                .append(expiresAt)
                .append('|')
                .append(loadMillis)
                .append('|');
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(groups.get(i)).append('=').append(generations.get(i));
        }
        sb.append('|');
        if (present) {
            sb.append(json);
        }
        return sb.toString();
    }

    /** Parses the header; null when the string is not an envelope at all. */
    static Envelope decode(String raw) {
        if (raw.length() < 8 || (raw.charAt(0) != 'v' && raw.charAt(0) != 'n') || raw.charAt(1) != '|') {
            return null;
        }
        int a = raw.indexOf('|', 2);
        int b = a < 0 ? -1 : raw.indexOf('|', a + 1);
        int c = b < 0 ? -1 : raw.indexOf('|', b + 1);
        if (c < 0) {
            return null;
        }
        try {
            long expiresAt = Long.parseLong(raw, 2, a, 10);
            long load = Long.parseLong(raw, a + 1, b, 10);
            List<String> groups = List.of();
            List<String> gens = List.of();
            if (c > b + 1) {
                groups = new ArrayList<>(2);
                gens = new ArrayList<>(2);
                for (String pair : raw.substring(b + 1, c).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        return null;
                    }
                    groups.add(pair.substring(0, eq));
                    gens.add(pair.substring(eq + 1));
                }
            }
            boolean present = raw.charAt(0) == 'v';
            return new Envelope(present, expiresAt, load, groups, gens, raw, c + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The JSON of a present value, as a reader over the raw string (no copy). */
    Reader jsonReader() {
        return new Tail(raw, jsonStart);
    }

    /** A reader over the end of a string (StringReader cannot start at an offset without a copy). */
    private static final class Tail extends Reader {
        private final String s;
        private int pos;

        Tail(String s, int start) {
            this.s = s;
            this.pos = start;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            int n = Math.min(len, s.length() - pos);
            if (n <= 0) {
                return len == 0 ? 0 : -1;
            }
            s.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public int read() {
            return pos < s.length() ? s.charAt(pos++) : -1;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
