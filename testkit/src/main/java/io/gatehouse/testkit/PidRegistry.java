package io.gatehouse.testkit;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records every child process with the JVM that owns it, in
 * {@code ${java.io.tmpdir}/gatehouse-testkit/<pid>.properties} (and directories that belong to no
 * process in {@code dir-<name>.properties}). A JVM killed with SIGKILL runs no
 * shutdown hook, so its redis-servers would outlive it; the next JVM that starts a node reaps them.
 *
 * <p>Pids are compared together with process start times so that a recycled pid is never killed.
 */
final class PidRegistry {
    private static final String SUFFIX = ".properties";
    private static final AtomicBoolean REAPED = new AtomicBoolean();
    private static final ProcessHandle SELF = ProcessHandle.current();
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(2);

    private PidRegistry() {}

    static Path directory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "gatehouse-testkit");
    }

    /** Records {@code child}, owned by this JVM, whose files live in {@code dir}. */
    static void register(ProcessHandle child, Path dir) {
        Properties record = new Properties();
        record.setProperty("owner.pid", Long.toString(SELF.pid()));
        record.setProperty("owner.start", Long.toString(startMillis(SELF)));
        record.setProperty("child.pid", Long.toString(child.pid()));
        record.setProperty("child.start", Long.toString(startMillis(child)));
        record.setProperty("dir", dir.toString());
        write(childPid(child.pid()), record);
    }

    static void unregister(long childPid) {
        delete(childPid(childPid));
    }

    /** Records a directory without a process (e.g. certificates), deleted once this JVM is gone. */
    static void registerDir(Path dir) {
        Properties record = new Properties();
        record.setProperty("owner.pid", Long.toString(SELF.pid()));
        record.setProperty("owner.start", Long.toString(startMillis(SELF)));
        record.setProperty("dir", dir.toString());
        write(dirName(dir), record);
    }

    static void unregisterDir(Path dir) {
        delete(dirName(dir));
    }

    /** Reaps orphans once per JVM, before its first node starts. */
    static void reapOrphansOnce() {
        if (REAPED.compareAndSet(false, true)) {
            reapOrphans();
        }
    }

    /** Kills recorded children whose owning JVM is gone and deletes their dirs; returns the count. */
    static int reapOrphans() {
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        // Signal every orphan first and wait for them together, so several cost one wait, not many.
        List<ProcessHandle> killed = new ArrayList<>();
        List<Path> orphanRecords = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                Properties record = read(file);
                if (record == null || running(record, "owner").isPresent()) {
                    continue;
                }
                running(record, "child").ifPresent(child -> {
                    child.destroyForcibly();
                    killed.add(child);
                });
                orphanRecords.add(file);
            }
        } catch (IOException e) {
            // Reaping is a courtesy to the machine; a failure here must not fail the test run.
        }
        awaitGone(killed);
        for (Path file : orphanRecords) {
            deleteOrphanFiles(file);
        }
        return killed.size();
    }

    private static void deleteOrphanFiles(Path file) {
        Properties record = read(file);
        String childDir = record == null ? "" : record.getProperty("dir", "");
        if (!childDir.isEmpty() && TempDirs.isOurs(Path.of(childDir))) {
            TempDirs.deleteRecursively(Path.of(childDir));
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Another JVM may be reaping the same record.
        }
    }

    private static void awaitGone(List<ProcessHandle> processes) {
        long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
        for (ProcessHandle process : processes) {
            while (!isGone(process) && System.nanoTime() - deadline < 0) {
                Poll.sleep(Duration.ofMillis(20));
            }
        }
    }

    /**
     * Dead or a zombie. An orphan's new parent may be slow to reap it (in some containers pid 1 is
     * not a real init), and Java reports a zombie as alive; a zombie holds no port or memory.
     */
    static boolean isGone(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Format: "pid (comm) S ...": the state follows the last ')' (comm may contain spaces).
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return !process.isAlive(); // no /proc (not Linux), or it just vanished
        }
    }

    /** The live process recorded under {@code prefix}, if it is still the same process. */
    private static Optional<ProcessHandle> running(Properties record, String prefix) {
        long pid;
        long start;
        try {
            pid = Long.parseLong(record.getProperty(prefix + ".pid", ""));
            start = Long.parseLong(record.getProperty(prefix + ".start", "-1"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> start < 0 || startMillis(handle) < 0 || startMillis(handle) == start);
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    private static String childPid(long pid) {
        return pid + SUFFIX;
    }

    private static String dirName(Path dir) {
        return "dir-" + dir.getFileName() + SUFFIX;
    }

    private static void write(String name, Properties record) {
        try {
            Files.createDirectories(directory());
            // Write then rename, so a reaper in another JVM never reads half a record.
            Path temp = Files.createTempFile(directory(), name + "-", ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp)) {
                record.store(writer, "gatehouse-testkit child process");
            }
            Files.move(
                    temp,
                    directory().resolve(name),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + directory(), e);
        }
    }

    private static void delete(String name) {
        try {
            Files.deleteIfExists(directory().resolve(name));
        } catch (IOException e) {
            // A stale record is harmless: it is reaped once its owner JVM is gone.
        }
    }

    private static Properties read(Path file) {
        Properties record = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            record.load(reader);
            return record;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
