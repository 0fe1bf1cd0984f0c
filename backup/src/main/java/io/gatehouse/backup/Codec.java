package io.gatehouse.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * A snapshot's way into a stored file and back: RDB → zstd → OpenPGP, in one streaming pass that
 * also computes both SHA-256s. {@code gpg --decrypt FILE | zstd -d} undoes it with standard tools.
 */
final class Codec {
    /** zstd level 3 (its default): several times faster than gzip -6 at a similar or better ratio. */
    private static final int LEVEL = 3;
    /** What an encoded file's name ends with. */
    static final String SUFFIX = ".zst.gpg";

    private Codec() {}

    /** Sizes and hashes of one encoded snapshot. */
    record Encoded(long rdbBytes, String rdbSha256, long storedBytes, String sha256) {}

    static Encoded encode(Path rdb, Path stored, PGPPublicKey recipient, Progress progress) throws IOException {
        MessageDigest rdbDigest = Streams.sha256();
        MessageDigest storedDigest = Streams.sha256();
        long rdbBytes = Files.size(rdb);
        try (InputStream in = new DigestInputStream(Files.newInputStream(rdb), rdbDigest);
                OutputStream file = new BufferedOutputStream(
                        new DigestOutputStream(Files.newOutputStream(stored), storedDigest), 1 << 16);
                OutputStream encrypted =
                        Pgp.encrypt(file, recipient, rdb.getFileName().toString() + ".zst");
                ZstdOutputStream zstd = new ZstdOutputStream(encrypted, LEVEL)) {
            // One extra zstd worker thread: compression overlaps encryption and hashing on a second core.
            zstd.setWorkers(1);
            Streams.copy(in, zstd, "compress+encrypt " + stored.getFileName(), rdbBytes, progress);
        }
        return new Encoded(rdbBytes, Streams.hex(rdbDigest), Files.size(stored), Streams.hex(storedDigest));
    }

    /**
     * Decrypts and decompresses {@code stored} into {@code rdb}, failing with a message that names the
     * check: decryption (wrong key, tampered), decompression, the integrity packet, the RDB's SHA-256.
     */
    static void decode(Path stored, Path rdb, Pgp.SecretKeys keys, Manifest.FileEntry entry, Progress progress) {
        MessageDigest rdbDigest = Streams.sha256();
        try (InputStream file = Files.newInputStream(stored);
                OutputStream out = new DigestOutputStream(Files.newOutputStream(rdb), rdbDigest)) {
            InputStream clear = step(entry, "decrypt", () -> Pgp.decrypt(file, keys));
            step(
                    entry,
                    "decompress",
                    () -> Streams.copy(
                            new ZstdInputStream(clear),
                            out,
                            "decrypt+decompress " + entry.name(),
                            entry.rdbBytes(),
                            progress));
            step(entry, "OpenPGP integrity check", () -> {
                clear.close();
                return null;
            });
        } catch (IOException e) {
            throw new BackupException(entry.name() + ": cannot read or write: " + e.getMessage(), e);
        }
        String sha = Streams.hex(rdbDigest);
        if (!sha.equals(entry.rdbSha256())) {
            throw new BackupException(entry.name() + ": SHA-256 of the decrypted snapshot is " + sha
                    + ", the manifest says " + entry.rdbSha256());
        }
    }

    private interface IoStep<T> {
        T run() throws IOException;
    }

    private static <T> T step(Manifest.FileEntry entry, String step, IoStep<T> body) {
        try {
            return body.run();
        } catch (IOException | RuntimeException e) {
            throw new BackupException(entry.name() + ": " + step + " failed: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of a file, hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest d = Streams.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Streams.hex(d);
    }
}
