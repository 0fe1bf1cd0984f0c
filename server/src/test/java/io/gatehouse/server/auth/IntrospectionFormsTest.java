package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Introspection form bodies parsed once per distinct bytes, never shared between different bodies. */
class IntrospectionFormsTest {
    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomToken(Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theSameBytesGiveTheSameFormAndOtherBytesTheirOwn(long seed) {
        Random random = new Random(seed);
        IntrospectionForms forms = new IntrospectionForms();
        String token = randomToken(random, 670);
        Form first = forms.parse(bytes("token=" + token));
        assertThat(first.require("token")).isEqualTo(token);
        assertThat(forms.parse(bytes("token=" + token))).isSameAs(first);
        assertThat(forms.parse(bytes("token=" + token)).require("token")).isSameAs(first.require("token"));
        // The same tail (so the same slot) with one byte changed anywhere before it: its own form, never the other's.
        for (int i = 0; i < 20; i++) {
            char[] other = token.toCharArray();
            int at = random.nextInt(other.length - 8);
            other[at] = other[at] == 'A' ? 'B' : 'A';
            String otherToken = new String(other);
            assertThat(forms.parse(bytes("token=" + otherToken)).require("token"))
                    .isEqualTo(otherToken);
            assertThat(forms.parse(bytes("token=" + token)).require("token")).isEqualTo(token);
        }
        // Longer or shorter bodies ending in the same bytes.
        assertThat(forms.parse(bytes("token=x" + token)).require("token")).isEqualTo("x" + token);
        assertThat(forms.parse(bytes("token=" + token.substring(1))).require("token"))
                .isEqualTo(token.substring(1));
        Form hinted = forms.parse(bytes("token_type_hint=access_token&token=" + token));
        assertThat(hinted.require("token")).isEqualTo(token);
        assertThat(hinted.get("token_type_hint")).hasValue("access_token");
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void manyBodiesEachParseAsThemselves(long seed) {
        Random random = new Random(seed);
        IntrospectionForms forms = new IntrospectionForms();
        String[] tokens = new String[3000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = randomToken(random, IntrospectionForms.MIN_LENGTH + random.nextInt(700));
        }
        for (int round = 0; round < 2; round++) {
            for (String t : tokens) {
                assertThat(forms.parse(bytes("token=" + t)).require("token")).isEqualTo(t);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "client_id=gw&client_secret=s3cr3t-s3cr3t-s3cr3t&token=eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
                "token=eyJhbGciOiJFUzI1NiJ9.e30.c2ln&extra=1234567890",
                "token=a%2Bb0123456789012345678901234567890123456789"
            })
    void bodiesWithOtherParametersAreNotKeptAndEscapesDecodeAsBefore(String body) {
        IntrospectionForms forms = new IntrospectionForms();
        Form first = forms.parse(bytes(body));
        assertThat(first.require("token")).isEqualTo(Form.parse(bytes(body)).require("token"));
        if (!body.contains("%")) {
            assertThat(forms.parse(bytes(body))).isNotSameAs(first); // another parameter: not remembered
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=short", "token=a&token=b0123456789012345678901234567890123"})
    void shortBodiesAndMalformedOnesBehaveAsTheParser(String body) {
        IntrospectionForms forms = new IntrospectionForms();
        if (body.indexOf('&') < 0) {
            assertThat(forms.parse(bytes(body)).require("token")).isEqualTo("short");
        } else {
            assertThatThrownBy(() -> forms.parse(bytes(body))).isInstanceOf(OAuthException.class);
            assertThatThrownBy(() -> forms.parse(bytes(body))).isInstanceOf(OAuthException.class);
        }
    }
}
