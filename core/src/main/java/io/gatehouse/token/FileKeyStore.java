package io.gatehouse.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/*
 * The key set in one JSON file: {"active": kid, "keys": {kid: record, ...}}.
 *
 * Every change happens under an exclusive lock on a sibling ".lock" file (FileChannel.lock, which is
 * also honoured between JVMs on one host), reads the file again under the lock, and replaces it with
 * an atomic rename, so two instances sharing a data directory cannot lose each other's rotation and a
 * crash mid-write never leaves half a file. The file is created owner-readable only: it holds
 * private keys unless encryption at rest is configured.
 */
final class FileKeyStore implements KeyStore {
    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final Path lock;

    FileKeyStore(Path file) {
        this.file = file.toAbsolutePath();
        this.lock = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    @Override
    public Snapshot load() {
        return locked(current -> current);
    }

    @Override
    public String rotate(Optional<String> expectedActive, String kid, String record) {
        return locked(current -> {
            if (!expectedActive.equals(current.activeKid())) {
                return current.activeKid().orElse(null);
            }
            Map<String, String> records = new LinkedHashMap<>(current.records());
            records.put(kid, record);
            write(new Snapshot(records, Optional.of(kid)));
            return kid;
        });
    }

    @Override
    public void remove(Collection<String> kids) {
        locked(current -> {
            Map<String, String> records = new LinkedHashMap<>(current.records());
            kids.stream().filter(k -> !current.activeKid().orElse("").equals(k)).forEach(records::remove);
            if (records.size() != current.records().size()) {
                write(new Snapshot(records, current.activeKid()));
            }
            return null;
        });
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    private <T> T locked(Function<Snapshot, T> action) {
        // A file lock excludes other JVMs; within one JVM a second lock on the same file would throw
        // OverlappingFileLockException instead of waiting, so threads of this JVM queue on a monitor first.
        synchronized (IN_PROCESS.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = ch.lock()) {
                    return action.apply(read());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use the token key file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private Snapshot read() {
        if (!Files.exists(file)) {
            return new Snapshot(Map.of(), Optional.empty());
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(Files.readString(file, StandardCharsets.UTF_8));
            Map<String, Object> keys = JSONObjectUtils.getJSONObject(json, "keys");
            Map<String, String> records = new LinkedHashMap<>();
            if (keys != null) {
                keys.forEach((kid, rec) -> records.put(kid, String.valueOf(rec)));
            }
            return new Snapshot(records, Optional.ofNullable(JSONObjectUtils.getString(json, "active")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token key file " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("the token key file " + file + " is not valid JSON: " + e.getMessage());
        }
    }

    private void write(Snapshot s) {
        Map<String, Object> json = new LinkedHashMap<>();
        s.activeKid().ifPresent(a -> json.put("active", a));
        json.put("keys", new LinkedHashMap<>(s.records()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token key file " + file, e);
        }
    }
}
