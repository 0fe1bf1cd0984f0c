package io.gatehouse.testkit;

import java.util.HashMap;
import java.util.Map;

/** Parses the text redis-cli prints for the few replies the testkit inspects. */
final class Replies {
    private Replies() {}

    /** {@code INFO} / {@code CLUSTER INFO}: {@code key:value} lines, comments and blanks skipped. */
    static Map<String, String> infoFields(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** A flat key/value array such as {@code SENTINEL MASTER}: redis-cli prints one item per line. */
    static Map<String, String> pairs(String text) {
        String[] lines = text.split("\\R");
        Map<String, String> pairs = new HashMap<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            pairs.put(lines[i].trim(), lines[i + 1].trim());
        }
        return pairs;
    }
}
