package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Form bodies parsed from their bytes (RFC 6749 §3.1: no parameter twice, empty values count as absent). */
class FormTest {
    private static Form parse(String body) {
        return Form.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void namesAndValuesAreSplitOnTheBytesAndDecoded() {
        Form f = parse("token=eyJ.a-b_c&client_id=svc%3Areporting&client_secret=a+b%2Bc%C3%A9&flag&empty=");
        assertThat(f.get("token")).hasValue("eyJ.a-b_c");
        assertThat(f.get("client_id")).hasValue("svc:reporting");
        assertThat(f.get("client_secret")).hasValue("a b+c\u00e9");
        assertThat(f.get("flag")).isEmpty(); // no '=': an empty value, which counts as absent
        assertThat(f.get("empty")).isEmpty();
        assertThat(f.get("missing")).isEmpty();
    }

    @Test
    void anEscapeAnywhereInTheBodyDecodesEveryParameterAndALongTokenComesBackWhole() {
        String token = "eyJ" + "a-b_c.".repeat(120);
        Form plain = parse("token=" + token + "&token_type_hint=access_token");
        assertThat(plain.get("token")).hasValue(token);
        assertThat(plain.get("token_type_hint")).hasValue("access_token");
        Form escaped = parse("client_id=a%2Bb&token=" + token + "&client_secret=x+y");
        assertThat(escaped.get("client_id")).hasValue("a+b");
        assertThat(escaped.get("token")).hasValue(token);
        assertThat(escaped.get("client_secret")).hasValue("x y");
        // Multi-byte UTF-8 before a separator: the separators' indices are the bytes', not the characters'.
        Form utf8 = parse("n\u00e9=\u20ac\u20ac&token=" + token);
        assertThat(utf8.get("n\u00e9")).hasValue("\u20ac\u20ac");
        assertThat(utf8.get("token")).hasValue(token);
    }

    @Test
    void emptyPairsAndAnEmptyBodyAreIgnored() {
        assertThat(parse("").get("token")).isEmpty();
        assertThat(parse("&&token=t&&").get("token")).hasValue("t");
        assertThat(parse("=v&token=t").get("token")).hasValue("t");
    }

    @Test
    void unencodedUtf8AndMalformedBytesReadAsNewStringWouldReadThem() {
        assertThat(parse("name=\u00e9\u20ac&x=1").get("name")).hasValue("\u00e9\u20ac");
        byte[] malformed = {'a', '=', (byte) 0xC3, '&', 'b', '=', '1'};
        assertThat(Form.parse(malformed).get("a")).hasValue("\uFFFD");
        assertThat(Form.parse(malformed).get("b")).hasValue("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=a&token=b", "token=a&token=", "to%6Ben=a&token=b"})
    void aParameterGivenTwiceIsAnInvalidRequestNamingIt(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(
                        OAuthException.class,
                        e -> assertThat(e.error().description()).isEqualTo("token is given more than once"));
    }

    @Test
    void aBadPercentEscapeIsAnInvalidRequestWithoutTheValue() {
        assertThatThrownBy(() -> parse("token=secret%zz"))
                .isInstanceOfSatisfying(
                        OAuthException.class,
                        e -> assertThat(e.error().description()).doesNotContain("secret"));
    }

    /** Seeded: random parameters, encoded as a client would, come back as they were. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomFormsRoundTrip(long seed) {
        Random random = new Random(seed);
        String alphabet = "abcXYZ019-._~ +&=%:/?#\u00e9\u20ac\uD83D\uDE00";
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
            StringBuilder v = new StringBuilder();
            for (int j = random.nextInt(40); j > 0; j--) {
                int k = random.nextInt(alphabet.length() - 1);
                v.append(
                        Character.isHighSurrogate(alphabet.charAt(k))
                                ? alphabet.substring(k, k + 2)
                                : alphabet.charAt(k));
            }
            params.put("p" + i, v.toString());
        }
        StringBuilder body = new StringBuilder();
        params.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        Form f = parse(body.toString());
        params.forEach((k, v) -> {
            if (v.isEmpty()) {
                assertThat(f.get(k)).isEmpty();
            } else {
                assertThat(f.get(k)).hasValue(v);
            }
        });
    }
}
