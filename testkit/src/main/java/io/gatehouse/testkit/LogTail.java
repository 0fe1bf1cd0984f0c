package io.gatehouse.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a node's log files, to make startup failures diagnosable from the exception. */
final class LogTail {
    static final String LOG_FILE = "redis.log";
    static final String STDOUT_FILE = "stdout.log";
    private static final int LINES = 30;

    private LogTail() {}

    /** Both the Redis log and the captured stdout/stderr (config errors appear only there). */
    static String of(Path dir) {
        return section(dir.resolve(LOG_FILE)) + section(dir.resolve(STDOUT_FILE));
    }

    static boolean contains(Path dir, String text) {
        return read(dir.resolve(LOG_FILE)).contains(text)
                || read(dir.resolve(STDOUT_FILE)).contains(text);
    }

    private static String section(Path file) {
        List<String> lines = read(file).lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - LINES), lines.size());
        return "\n--- tail of " + file + " ---\n" + String.join("\n", tail);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
