package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8CodecTest {

    /** ASCII, 2-, 3- and 4-byte characters, an unpaired surrogate at either end, and nothing. */
    static Stream<String> samples() {
        return Stream.of(
                "gatehouse:s:{user-42}",
                "AAAAAAAAAAAAAAAAzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "\nline|with|pipes",
                "Zoë Ünïcödé",
                "用户-七",
                "emoji 😀 user",
                "\uD800 lone high",
                "lone low \uDC00",
                "");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void aCommandCarriesTheSameBytesAsWithLettucesUtf8Codec(String text) {
        assertThat(encoded(Utf8Codec.INSTANCE, text)).isEqualTo(encoded(StringCodec.UTF8, text));
        assertThat(Utf8Codec.INSTANCE.decodeValue(StringCodec.UTF8.encodeValue(text)))
                .isEqualTo(StringCodec.UTF8.decodeValue(StringCodec.UTF8.encodeValue(text)));
    }

    /** Seeded property test: random strings over the whole char range, surrogates included. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theSizeGivenIsExactlyWhatIsWritten(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = random.nextInt(3) == 0 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000);
            }
            String text = new String(chars);
            ByteBuf out = Unpooled.buffer();
            Utf8Codec.INSTANCE.encodeValue(text, out);
            assertThat(Utf8Codec.INSTANCE.estimateSize(text)).isEqualTo(out.readableBytes());
            assertThat(encoded(Utf8Codec.INSTANCE, text)).isEqualTo(encoded(StringCodec.UTF8, text));
        }
    }

    private static String encoded(StringCodec codec, String text) {
        ByteBuf out = Unpooled.buffer();
        new CommandArgs<>(codec).addKey(text).addValue(text).encode(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
