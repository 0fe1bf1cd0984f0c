package io.gatehouse.redis;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/*
 * Why: Lettuce writes a key or value argument straight into the command's buffer only when the codec knows
 * its encoded size exactly. StringCodec.UTF8 only estimates it (3 bytes per char), so every argument went
 * through a temporary direct buffer of its own: allocated, copied and released on the event loop, with
 * Netty's leak detector sampling one in 128 of them with a stack trace. A session create's ten arguments
 * made ten of those per call. The exact size of a UTF-8 string is one pass over it (for the ASCII keys and
 * entries Gatehouse sends, a check of its bytes), cheaper than the buffer. The bytes written are Lettuce's
 * own (the same ByteBufUtil.writeUtf8, whose length ByteBufUtil.utf8Bytes gives exactly), and so is
 * decoding.
 */
/** {@link StringCodec#UTF8}, telling Lettuce each string's exact encoded size so it encodes in place. */
final class Utf8Codec extends StringCodec {
    static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        // StringCodec writes nothing for null, and non-strings are not ours to size.
        return keyOrValue instanceof String s ? ByteBufUtil.utf8Bytes(s) : 0;
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }
}
