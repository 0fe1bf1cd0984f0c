package io.gatehouse.event;

/**
 * The {@code gatehouse.events.archive.*} settings. The password is never part of {@link #toString()}.
 */
record ArchiveSettings(String url, String user, String password, int batchSize, int poolSize, int queueCapacity) {

    @Override
    public String toString() {
        return "ArchiveSettings[url=" + redactedUrl() + ", user=" + user + ", batchSize=" + batchSize + ", poolSize="
                + poolSize + ", queueCapacity=" + queueCapacity + "]";
    }

    /** The JDBC URL without its query string, which may carry a password. */
    String redactedUrl() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }
}
