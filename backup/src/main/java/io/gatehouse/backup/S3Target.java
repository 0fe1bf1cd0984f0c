package io.gatehouse.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in an S3 bucket, one key per file: {@code <prefix>/<id>/<name>}. Files go up in one
 * {@code PutObject} each (the SDK streams the file; S3 takes up to 5 GiB per object).
 */
final class S3Target implements BackupTarget {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String description;

    S3Target(BackupTarget.S3 b) {
        AwsCredentialsProvider credentials = b.credentials
                .<AwsCredentialsProvider>map(
                        c -> StaticCredentialsProvider.create(AwsBasicCredentials.create(c[0], c[1])))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        S3ClientBuilder cb = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(b.region))
                .credentialsProvider(credentials)
                // Only what the operation requires: non-AWS stores reject or mangle the newer default checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .forcePathStyle(b.pathStyle.orElse(b.endpoint.isPresent()));
        b.endpoint.ifPresent(cb::endpointOverride);
        this.s3 = cb.build();
        this.bucket = b.bucket;
        this.prefix = b.prefix.isEmpty() ? "" : b.prefix + "/";
        this.description = "s3://" + bucket + "/" + prefix
                + b.endpoint.map(e -> " at " + e).orElse("");
    }

    private String key(String id, String name) {
        return prefix + id + "/" + name;
    }

    @Override
    public void put(String id, String name, Path file, Progress progress) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            s3.putObject(
                    r -> r.bucket(bucket).key(key(id, name)).contentLength(size),
                    RequestBody.fromInputStream(Streams.counting(in, "upload " + name, size, progress), size));
        } catch (IOException | SdkException e) {
            throw new BackupException(id + "/" + name + ": upload to " + description + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void get(String id, String name, Path file, Progress progress) {
        try (ResponseInputStream<GetObjectResponse> in =
                        s3.getObject(r -> r.bucket(bucket).key(key(id, name)));
                OutputStream out = Files.newOutputStream(file)) {
            long size =
                    in.response().contentLength() == null ? -1 : in.response().contentLength();
            Streams.copy(in, out, "download " + name, size, progress);
        } catch (IOException | SdkException e) {
            throw new BackupException(
                    id + "/" + name + ": download from " + description + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String id, String name) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(id, name))).asByteArray();
        } catch (SdkException e) {
            throw new BackupException(
                    id + "/" + name + ": download from " + description + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .delimiter("/")
                    .build())) {
                for (CommonPrefix p : page.commonPrefixes()) {
                    String folder = p.prefix().substring(prefix.length());
                    ids.add(folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder);
                }
            }
        } catch (SdkException e) {
            throw new BackupException("cannot list backups in " + description + ": " + e.getMessage(), e);
        }
        return ids;
    }

    @Override
    public List<String> names(String id) {
        List<String> names = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(prefix + id + "/")
                    .build())) {
                for (S3Object o : page.contents()) {
                    names.add(o.key().substring(prefix.length() + id.length() + 1));
                }
            }
        } catch (SdkException e) {
            throw new BackupException(id + ": cannot list in " + description + ": " + e.getMessage(), e);
        }
        return names.stream().sorted().toList();
    }

    @Override
    public void delete(String id) {
        try {
            for (String name : names(id)) {
                s3.deleteObject(r -> r.bucket(bucket).key(key(id, name)));
            }
        } catch (SdkException e) {
            throw new BackupException(id + ": cannot delete in " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
    }
}
