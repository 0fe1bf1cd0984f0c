package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token text shared between form bodies with the same bytes, and never between different ones. */
class TokenTextsTest {
    private static byte[] body(String token) {
        return ("token=" + token).getBytes(StandardCharsets.UTF_8);
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
    void theSameBytesGiveTheSameStringAndOtherBytesTheirOwnText(long seed) {
        Random random = new Random(seed);
        TokenTexts texts = new TokenTexts();
        String token = randomToken(random, 670);
        String first = Form.parse(body(token), texts).require("token");
        String again = Form.parse(body(token), texts).require("token");
        assertThat(first).isEqualTo(token);
        assertThat(again).isSameAs(first);
        // The same tail (so the same slot) with one byte changed anywhere before it: its own text, never the other's.
        for (int i = 0; i < 20; i++) {
            char[] other = token.toCharArray();
            int at = random.nextInt(other.length - 8);
            other[at] = other[at] == 'A' ? 'B' : 'A';
            String otherToken = new String(other);
            assertThat(Form.parse(body(otherToken), texts).require("token")).isEqualTo(otherToken);
            assertThat(Form.parse(body(token), texts).require("token")).isEqualTo(token);
        }
        // A longer or shorter token ending in the same bytes.
        String longer = "x" + token;
        assertThat(Form.parse(body(longer), texts).require("token")).isEqualTo(longer);
        assertThat(Form.parse(body(token.substring(1)), texts).require("token")).isEqualTo(token.substring(1));
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void manyTokensEachComeBackAsThemselves(long seed) {
        Random random = new Random(seed);
        TokenTexts texts = new TokenTexts();
        String[] tokens = new String[3000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = randomToken(random, TokenTexts.MIN_LENGTH + random.nextInt(700));
        }
        for (int round = 0; round < 2; round++) {
            for (String t : tokens) {
                assertThat(Form.parse(body(t), texts).require("token")).isEqualTo(t);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "short",
                "a%2Bb" + "0123456789012345678901234567890123456789",
                "tok+en0123456789012345678901234567890123"
            })
    void shortOrEscapedValuesAreDecodedAsBefore(String token) {
        TokenTexts texts = new TokenTexts();
        Form f = Form.parse(body(token), texts);
        assertThat(f.require("token")).isEqualTo(Form.parse(body(token)).require("token"));
        assertThat(Form.parse(body(token), texts).require("token")).isNotSameAs(f.require("token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"token_type_hint", "client_id"})
    void onlyTheTokenParameterIsShared(String name) {
        TokenTexts texts = new TokenTexts();
        String value = "v".repeat(64);
        byte[] b = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        assertThat(Form.parse(b, texts).require(name))
                .isNotSameAs(Form.parse(b, texts).require(name));
    }
}
