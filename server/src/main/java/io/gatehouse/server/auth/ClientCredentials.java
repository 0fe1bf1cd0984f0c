package io.gatehouse.server.auth;

import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A client id and secret as presented by a client.
 *
 * <p>HTTP Basic follows RFC 6749 §2.3.1: the id and the secret are each
 * {@code application/x-www-form-urlencoded} <em>before</em> being joined with {@code :} and base64-encoded,
 * so {@code :}, {@code %}, {@code +} and non-ASCII characters survive. Decoding reverses exactly that
 * (a {@code +} in the encoded form is a space). Clients that do not encode (a plain RFC 7617 Basic header)
 * work as long as their id and secret contain none of {@code % + :} (in the id).
 *
 * @param id     the client id
 * @param secret the client secret; {@link #toString()} never shows it
 */
public record ClientCredentials(String id, String secret) {
    public ClientCredentials {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * The credentials of an {@code Authorization} header value, empty when it is not a Basic one.
     *
     * @throws InvalidClientException a Basic header that does not decode
     */
    public static Optional<ClientCredentials> fromBasic(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = utf8(Base64.getDecoder().decode(value.substring(6).strip()));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new InvalidClientException("the Basic credentials are not base64 of UTF-8 text");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new InvalidClientException("the Basic credentials are not client_id:client_secret");
        }
        try {
            return Optional.of(new ClientCredentials(
                    formDecode(decoded.substring(0, colon)), formDecode(decoded.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            throw new InvalidClientException("the Basic credentials are not form-urlencoded (RFC 6749 section 2.3.1)");
        }
    }

    /**
     * Strict UTF-8 decoding (malformed input is refused, not replaced). ASCII, what generated ids and secrets
     * are, is copied without a decoder: a {@code CharsetDecoder} and its buffers per request were most of
     * this method's allocation.
     */
    private static String utf8(byte[] raw) throws CharacterCodingException {
        for (byte b : raw) {
            if (b < 0) {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(raw))
                        .toString();
            }
        }
        return new String(raw, StandardCharsets.US_ASCII);
    }

    /** The {@code Authorization} header value a client sends for these credentials (RFC 6749 §2.3.1). */
    public String toBasicHeader() {
        String joined = formEncode(id) + ":" + formEncode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code application/x-www-form-urlencoded} decoding. A value without {@code %} and {@code +} (a token,
     * a generated secret) is returned as it is: {@code URLDecoder} copies it char by char into a builder
     * first (9 % of introspection's CPU in the JFR profile, for the token alone).
     *
     * @throws IllegalArgumentException a malformed percent-escape
     */
    static String formDecode(String s) {
        return s.indexOf('%') < 0 && s.indexOf('+') < 0 ? s : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String formEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ClientCredentials[id=" + id + ", secret=****]";
    }
}
