package io.gatehouse.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes results as aligned tables and {@code key: value} lines for people, or as JSON for scripts: one
 * document per command, one JSON line per item for streams ({@code events export}, {@code events tail}).
 * Commands hand in plain maps and lists, so both forms always carry the same fields.
 */
final class Output {
    /** {@code --output}. */
    enum Format {
        TABLE,
        JSON
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final PrintWriter out;
    private final Format format;

    Output(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    boolean json() {
        return format == Format.JSON;
    }

    /** A list of rows: a table, or a JSON array of objects. */
    void rows(List<Map<String, Object>> rows, String... columns) {
        if (json()) {
            write(rows);
            return;
        }
        List<String[]> cells = new ArrayList<>();
        String[] head = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            head[i] = columns[i].toUpperCase(java.util.Locale.ROOT);
        }
        cells.add(head);
        for (Map<String, Object> row : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                line[i] = text(row.get(columns[i]));
            }
            cells.add(line);
        }
        int[] width = new int[columns.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                sb.append(i == line.length - 1 ? line[i] : String.format("%-" + width[i] + "s  ", line[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    /** One object: {@code key: value} lines, or a JSON object. */
    void fields(Map<String, Object> fields) {
        if (json()) {
            write(fields);
            return;
        }
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((k, v) -> out.println(String.format("%-" + (width + 1) + "s %s", k + ":", text(v))));
        out.flush();
    }

    /** A confirmation: {@code text} for people, {@code fields} as a JSON object for scripts. */
    void done(String text, Map<String, Object> fields) {
        if (json()) {
            write(fields);
        } else {
            out.println(text);
            out.flush();
        }
    }

    /** One item of a stream: a JSON line, or {@code text} for people. */
    void item(String text, Object json) {
        if (json()) {
            try {
                out.println(JSON.writeValueAsString(normalise(json)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.println(text);
        }
    }

    private void write(Object doc) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(normalise(doc)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** Instants and durations as ISO strings, optionals unwrapped, in JSON as in tables. */
    static Object normalise(Object v) {
        if (v instanceof Optional<?> o) {
            return o.map(Output::normalise).orElse(null);
        }
        if (v instanceof Instant || v instanceof Duration) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalise(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Output::normalise).toList();
        }
        return v;
    }

    static String text(Object v) {
        Object n = normalise(v);
        if (n == null) {
            return "-";
        }
        if (n instanceof Collection<?> c) {
            return c.isEmpty()
                    ? "-"
                    : String.join(",", c.stream().map(String::valueOf).toList());
        }
        if (n instanceof Map<?, ?> m) {
            return m.isEmpty()
                    ? "-"
                    : String.join(
                            " ",
                            m.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + text(e.getValue()))
                                    .toList());
        }
        return n.toString();
    }

    /** A map with keys in the order given: {@code map("a", 1, "b", 2)}. Null values are kept (shown as "-"). */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
