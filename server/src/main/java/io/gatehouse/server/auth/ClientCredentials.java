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
        // Indices instead of strip() and substring(): the header is parsed on every introspection.
        int start = 0;
        int end = authorization.length();
        while (start < end && Character.isWhitespace(authorization.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(authorization.charAt(end - 1))) {
            end--;
        }
        if (end - start < 6 || !authorization.regionMatches(true, start, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        start += 6;
        while (start < end && Character.isWhitespace(authorization.charAt(start))) {
            start++;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(asciiBytes(authorization, start, end));
        } catch (IllegalArgumentException e) {
            throw notBase64();
        }
        int colon = -1;
        boolean ascii = true;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b < 0) {
                ascii = false;
                break;
            }
            if (b == ':' && colon < 0) {
                colon = i;
            }
        }
        String id;
        String secret;
        if (ascii) {
            // What generated ids and secrets are: each part copied once, without a decoder or the joined string.
            if (colon <= 0) {
                throw notIdAndSecret();
            }
            id = new String(raw, 0, colon, StandardCharsets.US_ASCII);
            secret = new String(raw, colon + 1, raw.length - colon - 1, StandardCharsets.US_ASCII);
        } else {
            String decoded;
            try {
                decoded = utf8(raw);
            } catch (CharacterCodingException e) {
                throw notBase64();
            }
            colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw notIdAndSecret();
            }
            id = decoded.substring(0, colon);
            secret = decoded.substring(colon + 1);
        }
        try {
            return Optional.of(new ClientCredentials(formDecode(id), formDecode(secret)));
        } catch (IllegalArgumentException e) {
            throw new InvalidClientException("the Basic credentials are not form-urlencoded (RFC 6749 section 2.3.1)");
        }
    }

    /**
     * The characters {@code [from, to)} as bytes for the Base64 decoder; a character outside ASCII is no Base64
     * character, refused as the decoder would refuse it.
     */
    private static byte[] asciiBytes(String s, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("not Base64");
            }
            b[i - from] = (byte) c;
        }
        return b;
    }

    private static InvalidClientException notBase64() {
        return new InvalidClientException("the Basic credentials are not base64 of UTF-8 text");
    }

    private static InvalidClientException notIdAndSecret() {
        return new InvalidClientException("the Basic credentials are not client_id:client_secret");
    }

    /** Strict UTF-8 decoding (malformed input is refused, not replaced); ASCII never comes here. */
    private static String utf8(byte[] raw) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(raw))
                .toString();
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
