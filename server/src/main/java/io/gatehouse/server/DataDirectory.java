package io.gatehouse.server;

import io.gatehouse.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory holds password hashes, emails and signing keys: only the server's own user may read
 * it. The directory is made (or corrected to) {@code 0700} and the files in it {@code 0600}, whatever the
 * process umask says; on a file system without POSIX permissions nothing is changed.
 */
final class DataDirectory {
    static final String KEY = "gatehouse.data-dir";
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {}

    /**
     * Creates {@code dir} (and missing parents), makes it private to this user, and takes its lock: a second
     * instance on the same directory is refused here, in one line, before it touches any file.
     *
     * @return the lock, held until closed
     */
    static AutoCloseable createPrivate(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            if (posix()) {
                Files.setPosixFilePermissions(dir, DIR);
            }
            channel = FileChannel.open(
                    dir.resolve("gatehouse.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ConfigException(
                        KEY,
                        "The data directory " + dir.toAbsolutePath() + " is in use by another"
                                + " Gatehouse instance; stop it, or give this one its own " + KEY);
            }
            FileChannel held = channel;
            return held::close;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(channel);
            throw new ConfigException(
                    KEY,
                    "Cannot create the private data directory " + dir.toAbsolutePath() + " (" + KEY + "): "
                            + e.getMessage());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the original failure is what gets reported
            }
        }
    }

    /** Makes every regular file directly in {@code dir} readable by this user only. */
    static void restrictFiles(Path dir) {
        if (!posix()) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.setPosixFilePermissions(f, FILE);
            }
        } catch (IOException e) {
            throw new ConfigException(
                    KEY,
                    "Cannot restrict the files of the data directory " + dir.toAbsolutePath() + " (" + KEY
                            + ") to this user: " + e.getMessage());
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
