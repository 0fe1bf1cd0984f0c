package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stored claims of a refresh family: written with Nimbus's JSON writer (as every stored family
 * was), read back with the streaming reader, whatever the strings hold; anything else is refused.
 */
class FamilyClaimsTest {
    /** A string of random characters, control characters, quotes, backslashes and non-ASCII included. */
    private static String randomText(Random r) {
        String specials = "\"\\\u0000\u0001\n\r\t\u001f/<>&'\u00e9\u20ac\u2028\ud83d\ude00";
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                int at = r.nextInt(specials.length());
                if (Character.isHighSurrogate(specials.charAt(at))) {
                    sb.append(specials, at, at + 2);
                } else if (!Character.isLowSurrogate(specials.charAt(at))) {
                    sb.append(specials.charAt(at));
                }
            } else {
                sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private static List<String> randomList(Random r) {
        List<String> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            l.add(randomText(r));
        }
        return l;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void whatIsWrittenReadsBackTheSame(long seed) {
        Random r = new Random(seed);
        FamilyClaims c = new FamilyClaims(
                randomText(r),
                randomText(r),
                Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1_000_000_000)),
                randomList(r),
                randomList(r),
                randomList(r),
                r.nextBoolean()
                        ? Optional.of(Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000)))
                        : Optional.empty());

        assertThat(FamilyClaims.fromJson(c.toJson())).isEqualTo(c);
    }

    @Test
    void aFamilyStoredBeforeAuthTimeAndWithUnknownMembersReads() {
        FamilyClaims c = FamilyClaims.fromJson(
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1700000000123,\"r\":[\"admin\"],\"x\":{\"y\":[1,2]},\"p\":null}");

        assertThat(c.subject()).isEqualTo("u1");
        assertThat(c.sessionId()).isEqualTo("s1");
        assertThat(c.issuedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(c.roles()).containsExactly("admin");
        assertThat(c.permissions()).isEmpty();
        assertThat(c.amr()).isEmpty();
        assertThat(c.authTime()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "\"s\"",
                "{",
                "{\"s\":\"u1\",\"i\":\"s1\"}",
                "{\"i\":\"s1\",\"t\":1}",
                "{\"s\":\"u1\",\"t\":1}",
                "{\"s\":1,\"i\":\"s1\",\"t\":1}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":\"1\"}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1.5}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1,\"r\":\"admin\"}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1,\"r\":[1]}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1,\"u\":\"x\"}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1}{}",
                "{\"s\":\"u1\",\"i\":\"s1\",\"t\":1} x"
            })
    void anythingElseIsRefused(String json) {
        assertThatThrownBy(() -> FamilyClaims.fromJson(json))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("a refresh family's stored claims do not parse");
    }
}
