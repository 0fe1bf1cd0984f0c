package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Per-node temporary directories: created under {@code java.io.tmpdir}, deleted on close. */
final class TempDirs {
    static final String PREFIX = "gatehouse-redis-";

    private TempDirs() {}

    static Path create() {
        try {
            return Files.createTempDirectory(PREFIX).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /**
     * Deletes {@code dir} and everything in it; best effort, since a leftover temp dir must not fail
     * a test that already passed.
     */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(TempDirs::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // Best effort: files may vanish concurrently (e.g. a reaper in another JVM).
        }
    }

    /** Only directories this testkit made may be deleted on the word of a pid record. */
    static boolean isOurs(Path dir) {
        Path tmp =
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        Path normalized = dir.toAbsolutePath().normalize();
        return normalized.getParent() != null
                && normalized.getParent().equals(tmp)
                && normalized.getFileName().toString().startsWith(PREFIX);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort, see deleteRecursively.
        }
    }
}
