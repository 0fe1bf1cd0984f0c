package io.gatehouse.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local append-only file that holds events the store could not take: {@code spool.jsonl} (one
 * {@link EventJson} line per event) and {@code spool.offset} (how far replay has got, updated by an
 * atomic rename after each replayed batch). A crash between storing a batch and moving the offset
 * replays that batch again, which the store's idempotent writes absorb. When everything is replayed the
 * file is emptied. The directory is locked, so two processes never share a spool.
 *
 * <p>Lines are written to the OS (surviving a crash of this process) but not forced to disk.
 */
final class EventSpool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventSpool.class);
    private static final int READ_CHUNK = 1 << 20;

    private final Path file;
    private final Path offsetFile;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel channel;
    private long readOffset;
    private long size;

    /** What {@link #read} found: events, unreadable lines, and where the next read starts. */
    record Batch(List<SecurityEvent> events, int unreadable, long end) {}

    EventSpool(Path dir, long maxBytes) {
        this.maxBytes = maxBytes;
        this.file = dir.resolve("spool.jsonl");
        this.offsetFile = dir.resolve("spool.offset");
        try {
            Files.createDirectories(dir);
            lockChannel =
                    FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new IllegalStateException("the security event spool directory " + dir.toAbsolutePath()
                        + " is in use by another event log; give each instance its own gatehouse.events.spool.dir");
            }
            lock = l;
            if (!Files.exists(file)) {
                Files.createFile(file);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    // Events carry IP addresses and user agents: personal data, readable by this user only.
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            size = channel.size();
            dropTornTail();
            readOffset = Files.exists(offsetFile)
                    ? Long.parseLong(Files.readString(offsetFile).trim())
                    : 0;
            if (readOffset > size || readOffset < 0) {
                log.warn(
                        "security event spool offset {} is beyond the spool ({} bytes); replaying it all",
                        readOffset,
                        size);
                readOffset = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the security event spool in " + dir.toAbsolutePath(), e);
        }
    }

    /** A crash in the middle of an append leaves a line without its newline: it is cut off. */
    private void dropTornTail() throws IOException {
        if (size == 0) {
            return;
        }
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            channel.read(one, pos - 1);
            if (one.get(0) == '\n') {
                break;
            }
            pos--;
        }
        if (pos != size) {
            log.warn("security event spool {} ended in a torn line ({} bytes); it is dropped", file, size - pos);
            channel.truncate(pos);
            size = pos;
        }
    }

    /** Appends the events in order; false (nothing written) if the spool would grow beyond its limit. */
    boolean append(List<SecurityEvent> events) {
        StringBuilder sb = new StringBuilder(events.size() * 300);
        for (SecurityEvent e : events) {
            sb.append(EventJson.write(e)).append('\n');
        }
        return appendBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private synchronized boolean appendBytes(byte[] bytes) {
        if (size - readOffset + bytes.length > maxBytes) {
            return false;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long at = size;
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
            size = at;
            return true;
        } catch (IOException e) {
            log.error("cannot append to the security event spool {}: {}", file, e.toString());
            return false;
        }
    }

    synchronized boolean hasPending() {
        return size > readOffset;
    }

    synchronized long pendingBytes() {
        return size - readOffset;
    }

    /**
     * Reads up to {@code max} events from where replay has got; nothing moves until {@link #commit}. Only
     * the replaying thread calls it; the lock is held just to read the positions, so callers appending
     * (recording with a full queue) never wait for the file read.
     */
    Batch read(int max) {
        List<SecurityEvent> events = new ArrayList<>();
        int unreadable = 0;
        long pos;
        long size;
        synchronized (this) {
            pos = readOffset;
            size = this.size;
        }
        try {
            while (events.size() + unreadable < max && pos < size) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_CHUNK, size - pos));
                channel.read(buf, pos);
                byte[] bytes = buf.array();
                int start = 0;
                for (int i = 0; i < buf.position() && events.size() + unreadable < max; i++) {
                    if (bytes[i] == '\n') {
                        String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                        try {
                            events.add(EventJson.read(line));
                        } catch (IllegalArgumentException e) {
                            unreadable++;
                            log.warn(
                                    "unreadable line in the security event spool {} at byte {}: {}",
                                    file,
                                    pos + start,
                                    e.getMessage());
                        }
                        start = i + 1;
                    }
                }
                if (start == 0) {
                    break; // a line longer than the chunk cannot be written by append; stop rather than loop
                }
                pos += start;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Batch(events, unreadable, pos);
    }

    /** Marks everything before {@code end} as replayed; empties the file once all of it is. */
    synchronized void commit(long end) {
        readOffset = end;
        try {
            if (readOffset >= size) {
                channel.truncate(0);
                size = 0;
                readOffset = 0;
            }
            Path tmp = offsetFile.resolveSibling("spool.offset.tmp");
            Files.writeString(tmp, Long.toString(readOffset));
            try {
                Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // The events are stored; replaying them again after a restart is harmless (idempotent).
            log.warn("cannot record the security event spool offset in {}: {}", offsetFile, e.toString());
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("closing the security event spool: {}", e.toString());
        }
    }
}
