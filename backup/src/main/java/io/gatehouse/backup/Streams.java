package io.gatehouse.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stream plumbing shared by the targets and the codec: copies that report progress, SHA-256. */
final class Streams {
    private static final int BUFFER = 1 << 16;
    /** Reports at most every 4 MiB, so progress costs nothing next to the transfer. */
    private static final long REPORT_EVERY = 4L << 20;

    private Streams() {}

    static long copy(InputStream in, OutputStream out, String step, long total, Progress progress) throws IOException {
        byte[] buf = new byte[BUFFER];
        long done = 0;
        long next = REPORT_EVERY;
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            done += n;
            if (done >= next) {
                progress.report(step, done, total);
                next = done + REPORT_EVERY;
            }
        }
        progress.report(step, done, total);
        return done;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Counts what is read through it and reports it, for uploads whose body the SDK reads. */
    static InputStream counting(InputStream in, String step, long total, Progress progress) {
        return new FilterInputStream(in) {
            long done;
            long next = REPORT_EVERY;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    add(n);
                }
                return n;
            }

            private void add(long n) {
                done += n;
                if (done >= next || done == total) {
                    progress.report(step, done, total);
                    next = done + REPORT_EVERY;
                }
            }
        };
    }
}
