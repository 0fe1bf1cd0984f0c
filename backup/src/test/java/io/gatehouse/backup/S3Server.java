package io.gatehouse.backup;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API (s3proxy over jclouds' in-memory blob store) on a free loopback port, with
 * signature-v4 authentication, so the tests exercise the AWS SDK exactly as against a real store.
 */
final class S3Server implements AutoCloseable {
    static final String ACCESS_KEY = "gatehouse-test";
    static final String SECRET_KEY = "gatehouse-test-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private S3Server(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    static S3Server start() throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        org.awaitility.Awaitility.await().until(() -> "STARTED".equals(proxy.getState()));
        return new S3Server(context, proxy);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    BlobStore blobs() {
        return context.getBlobStore();
    }

    /** A target on a fresh bucket of this server, as the SDK sees any S3-compatible store. */
    BackupTarget target(String bucket) {
        blobs().createContainerInLocation(null, bucket);
        return BackupTarget.s3(bucket)
                .prefix("gatehouse")
                .endpoint(endpoint())
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
