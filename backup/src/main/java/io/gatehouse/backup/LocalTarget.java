package io.gatehouse.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Backups as folders in a local directory; a file is written beside its final name and moved in place. */
final class LocalTarget implements BackupTarget {
    private final Path dir;

    LocalTarget(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    @Override
    public void put(String id, String name, Path file, Progress progress) {
        Path to = dir.resolve(id).resolve(name);
        Path tmp = to.resolveSibling(name + ".part");
        try {
            Files.createDirectories(to.getParent());
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = Files.newOutputStream(tmp)) {
                Streams.copy(in, out, "store " + name, Files.size(file), progress);
            }
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackupException(id + "/" + name + ": cannot write to " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void get(String id, String name, Path file, Progress progress) {
        Path from = dir.resolve(id).resolve(name);
        try (InputStream in = Files.newInputStream(from);
                OutputStream out = Files.newOutputStream(file)) {
            Streams.copy(in, out, "fetch " + name, Files.size(from), progress);
        } catch (IOException e) {
            throw new BackupException(id + "/" + name + ": cannot read from " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String id, String name) {
        try {
            return Files.readAllBytes(dir.resolve(id).resolve(name));
        } catch (IOException e) {
            throw new BackupException(id + "/" + name + ": cannot read from " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> names(String id) {
        try (Stream<Path> s = Files.list(dir.resolve(id))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new BackupException(id + ": cannot list in " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String id) {
        try (Stream<Path> s = Files.walk(dir.resolve(id))) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new BackupException(id + ": cannot delete in " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }
}
