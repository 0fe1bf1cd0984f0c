package io.gatehouse.token;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/*
 * Writes a signed JWT in compact form (RFC 7515 7.1) from a header encoded once per key and a claims
 * object written straight into a StringBuilder.
 *
 * Nimbus's SignedJWT builds a claims map, serialises it with Gson, serialises the header again, and
 * copies the signing input several times on every token; a refresh signs one access token and does
 * little else, so that showed in its profile (#19). The output is the same JWS: TokenCodec.verify
 * (Nimbus) reads it, and CompactJwtTest checks the claims survive a round trip through it.
 */
final class CompactJwt {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private CompactJwt() {}

    /** A protected header and its base64url form. */
    record Header(JWSHeader header, String encoded) {
        Header(JWSHeader header) {
            this(header, header.toBase64URL().toString());
        }
    }

    /** A claims object under construction: members in the order they are added. */
    static final class Claims {
        private final StringBuilder json = new StringBuilder(384).append('{');

        Claims string(String name, String value) {
            name(name);
            quote(value);
            return this;
        }

        Claims number(String name, long value) {
            name(name);
            json.append(value);
            return this;
        }

        Claims strings(String name, List<String> values) {
            name(name);
            json.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                quote(values.get(i));
            }
            json.append(']');
            return this;
        }

        private void name(String name) {
            if (json.length() > 1) {
                json.append(',');
            }
            quote(name);
            json.append(':');
        }

        /** A JSON string (RFC 8259 7), escaped by Jackson's encoder (the one the rest of Gatehouse writes with). */
        private void quote(String s) {
            json.append('"');
            JsonStringEncoder.getInstance().quoteAsString(s, json);
            json.append('"');
        }

        String json() {
            return json + "}";
        }
    }

    /** header.claims.signature, signed by {@code signer} with the algorithm of {@code header}. */
    static String sign(Header header, Claims claims, JWSSigner signer) throws JOSEException {
        String payload = B64.encodeToString(claims.json().getBytes(StandardCharsets.UTF_8));
        String signingInput = header.encoded() + '.' + payload;
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        String signature = signer instanceof Es256Signer es256
                        && JWSAlgorithm.ES256.equals(header.header().getAlgorithm())
                ? B64.encodeToString(es256.sign(input)) // the default key: no detour through Nimbus's encoder
                : signer.sign(header.header(), input).toString();
        return signingInput + '.' + signature;
    }
}
