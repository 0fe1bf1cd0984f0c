package io.gatehouse.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one backup holds, stored beside its files as {@code manifest.json}; written last, so a backup
 * without a manifest is incomplete and ignored.
 *
 * @param id               the backup's name in the target, {@code <UTC time>-<deployment>}
 * @param gatehouseVersion the version that took it
 * @param deployment       {@code default} or the purpose whose own Redis it is
 * @param purposes         the purposes served by that deployment
 * @param source           the deployment's URL without credentials
 * @param mode             standalone, sentinel or cluster
 * @param keyPrefix        the Gatehouse key prefix the key families were counted under
 * @param createdAt        when the snapshot started
 * @param durationMillis   how long the whole backup took
 * @param compression      {@code zstd}
 * @param encryption       {@code openpgp} and the recipient key's fingerprint
 * @param files            one entry per snapshot (one per Cluster master)
 * @param aof              the multi-part AOF copied on the Redis host ({@code create --aof-dir}), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        String id,
        String gatehouseVersion,
        String deployment,
        List<String> purposes,
        String source,
        String mode,
        String keyPrefix,
        Instant createdAt,
        long durationMillis,
        String compression,
        String encryption,
        List<FileEntry> files,
        Aof aof) {

    static final String NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public Manifest {
        purposes = List.copyOf(purposes);
        files = List.copyOf(files);
    }

    /**
     * One stored snapshot.
     *
     * @param name          the file name in the backup, for example {@code 0-127.0.0.1-7001.rdb.zst.gpg}
     * @param node          the Redis node it was read from ({@code host:port})
     * @param role          that node's role ({@code master} or {@code slave})
     * @param redisVersion  that node's Redis version
     * @param storedBytes   size of the stored (compressed, encrypted) file
     * @param sha256        SHA-256 of the stored file, hex
     * @param rdbBytes      size of the RDB snapshot
     * @param rdbSha256     SHA-256 of the RDB snapshot, hex
     * @param keys          keys per key family at snapshot time
     * @param volatileKeys  keys per family that had a TTL (these may expire before a verify or restore)
     */
    public record FileEntry(
            String name,
            String node,
            String role,
            String redisVersion,
            long storedBytes,
            String sha256,
            long rdbBytes,
            String rdbSha256,
            Map<String, Long> keys,
            Map<String, Long> volatileKeys) {
        public FileEntry {
            keys = Map.copyOf(keys);
            volatileKeys = Map.copyOf(volatileKeys);
        }
    }

    /**
     * A node's multi-part AOF as it was on its disk: the AOF manifest and the base and incremental files
     * it lists, each stored as {@code aof-<original name>.zst.gpg}. In its {@link FileEntry}s,
     * {@code rdbBytes} and {@code rdbSha256} describe the original file; the key counts are the whole
     * set's, loaded into a scratch server.
     *
     * @param node           the node whose AOF it is
     * @param appendFilename its {@code appendfilename} (the AOF manifest is {@code <it>.manifest})
     * @param files          the AOF manifest first, then the files it lists
     * @param keys           keys per family when loaded
     * @param volatileKeys   keys per family that had a TTL
     */
    public record Aof(
            String node,
            String appendFilename,
            List<FileEntry> files,
            Map<String, Long> keys,
            Map<String, Long> volatileKeys) {
        static final String PREFIX = "aof-";

        public Aof {
            files = List.copyOf(files);
            keys = Map.copyOf(keys);
            volatileKeys = Map.copyOf(volatileKeys);
        }

        /** The stored name of AOF file {@code original}. */
        static String storedName(String original) {
            return PREFIX + original + Codec.SUFFIX;
        }

        /** The original name of a stored AOF file, as the node had it. */
        static String original(FileEntry f) {
            return f.name().substring(PREFIX.length(), f.name().length() - Codec.SUFFIX.length());
        }

        /** Total keys when loaded. */
        public long totalKeys() {
            return keys.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Keys per family over every file. */
    public Map<String, Long> keys() {
        Map<String, Long> sum = new TreeMap<>();
        files.forEach(f -> f.keys().forEach((k, v) -> sum.merge(k, v, Long::sum)));
        return sum;
    }

    /** Total keys over every file. */
    public long totalKeys() {
        return files.stream()
                .flatMap(f -> f.keys().values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    /** Total stored bytes over every file, the AOF's included. */
    public long storedBytes() {
        return files.stream().mapToLong(FileEntry::storedBytes).sum()
                + (aof == null
                        ? 0
                        : aof.files().stream().mapToLong(FileEntry::storedBytes).sum());
    }

    /** Total snapshot bytes over every file. */
    public long rdbBytes() {
        return files.stream().mapToLong(FileEntry::rdbBytes).sum();
    }

    /** The manifest as indented JSON. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new BackupException("manifest: cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Reads a manifest; {@code what} names it in the error. */
    public static Manifest parse(byte[] json, String what) {
        try {
            Manifest m = JSON.readValue(json, Manifest.class);
            if (m.id() == null || m.files() == null || m.createdAt() == null) {
                throw new BackupException(what + ": not a backup manifest (id, createdAt or files missing)");
            }
            return m;
        } catch (IOException e) {
            throw new BackupException(what + ": not a readable backup manifest: " + e.getMessage(), e);
        }
    }
}
