package io.gatehouse.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Reads a request body with a size limit, for the JSON and form readers. A body with a
 * {@code Content-Length} (what every client of the API sends) is read into an array of exactly that size:
 * {@code InputStream.readNBytes(limit)} would allocate a 16 KiB buffer per request and copy out of it (the
 * JFR allocation profile of introspection: 60 % of its bytes). Helidon ends the entity stream at the declared
 * length. A chunked body, whose size is unknown up front, is read up to one byte past the limit.
 */
public final class RequestBody {
    private RequestBody() {}

    /**
     * The body of {@code req}.
     *
     * @throws ProblemException 413 for a body over {@code maxBytes} (declared or read)
     * @throws IOException      the body could not be read (the caller answers in its own format)
     */
    public static byte[] read(ServerRequest req, long maxBytes) throws IOException {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = declared.isPresent()
                    ? readExactly(in, (int) declared.getAsLong())
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return body;
    }

    /**
     * Up to {@code length} bytes read straight into one array of that size ({@code readNBytes(int)} reads
     * through 8 KiB chunks and copies them out); fewer only if the stream ends early.
     */
    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int n = in.readNBytes(body, 0, length);
        return n == length ? body : Arrays.copyOf(body, n);
    }

    private static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(
                Problem.of(413, "Content Too Large", "the request body is larger than " + maxBytes + " bytes"));
    }
}
