package io.gatehouse.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the external programs the testkit runs, on {@code PATH} (no bundled binaries). */
final class Binaries {
    static final String REDIS_SERVER = "redis-server";
    static final String REDIS_SENTINEL = "redis-sentinel";
    static final String REDIS_CLI = "redis-cli";
    static final String OPENSSL = "openssl";

    private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();

    private Binaries() {}

    /** The absolute path of {@code name}; throws with installation advice when it is missing. */
    static Path locate(String name) {
        Path found = FOUND.computeIfAbsent(name, Binaries::search);
        if (found == null) {
            throw new IllegalStateException(name + " not found on PATH; " + advice(name));
        }
        return found;
    }

    private static String advice(String name) {
        if (name.equals(OPENSSL)) {
            return "install it with apt-get install openssl";
        }
        if (name.startsWith("prometheus") || name.equals("promtool")) {
            return "run ./scripts/test, which installs prometheus and prometheus-redis-exporter with apt-get";
        }
        return "run ./scripts/test, which installs redis-server, redis-sentinel and redis-tools" + " with apt-get";
    }

    /** Returns null when absent, which computeIfAbsent does not cache, so a later install is seen. */
    private static Path search(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }
}
