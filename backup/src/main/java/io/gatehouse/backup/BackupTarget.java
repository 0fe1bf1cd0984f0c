package io.gatehouse.backup;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where backups are stored: a local directory or an S3-compatible bucket. A backup is a folder
 * named by its id holding its files and, written last, {@code manifest.json}.
 */
public interface BackupTarget extends AutoCloseable {

    /** Stores {@code file} as {@code id/name}. */
    void put(String id, String name, Path file, Progress progress);

    /** Copies {@code id/name} into {@code file}. */
    void get(String id, String name, Path file, Progress progress);

    /** The bytes of a small object such as a manifest. */
    byte[] read(String id, String name);

    /** Ids of every backup folder (complete or not), in no particular order. */
    List<String> ids();

    /** The file names in one backup folder. */
    List<String> names(String id);

    /** Removes a backup folder and everything in it. */
    void delete(String id);

    /** Where this is, without credentials, for messages. */
    String describe();

    @Override
    default void close() {}

    /** Backups as folders under {@code dir} (created if missing). */
    static BackupTarget local(Path dir) {
        return new LocalTarget(dir);
    }

    /** A builder for an S3 or S3-compatible bucket. */
    static S3 s3(String bucket) {
        return new S3(bucket);
    }

    /**
     * An S3 bucket. Credentials come from the SDK's usual chain (environment, profile, instance role)
     * unless given here; request and response checksums are computed only when required, which
     * S3-compatible stores need.
     */
    final class S3 {
        final String bucket;
        String prefix = "";
        Optional<URI> endpoint = Optional.empty();
        String region = "us-east-1";
        Optional<Boolean> pathStyle = Optional.empty();
        Optional<String[]> credentials = Optional.empty();

        private S3(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
        }

        /** A folder in the bucket under which backups are kept. */
        public S3 prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix").replaceAll("^/+|/+$", "");
            return this;
        }

        /** The store's URL, for S3-compatible stores (MinIO, Ceph, s3proxy, ...). */
        public S3 endpoint(URI endpoint) {
            this.endpoint = Optional.of(endpoint);
            return this;
        }

        public S3 region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** Path-style addressing ({@code host/bucket/key}); on by default when an endpoint is set. */
        public S3 pathStyle(boolean pathStyle) {
            this.pathStyle = Optional.of(pathStyle);
            return this;
        }

        /** Static credentials instead of the SDK's default chain. */
        public S3 credentials(String accessKeyId, String secretAccessKey) {
            this.credentials = Optional.of(
                    new String[] {Objects.requireNonNull(accessKeyId), Objects.requireNonNull(secretAccessKey)});
            return this;
        }

        public BackupTarget build() {
            if (bucket.isBlank()) {
                throw new IllegalArgumentException("gatehouse.backup.target: the S3 bucket name is empty");
            }
            return new S3Target(this);
        }
    }
}
