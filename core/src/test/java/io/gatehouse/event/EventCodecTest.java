package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed stream form round-trips any valid event, including text that contains the separators'
 * neighbours, JSON-like and non-ASCII characters, and control characters (which the builder replaces).
 * Seeded: each seed is printed, and a failure names it.
 */
class EventCodecTest {
    private static final String ALPHABET = "aZ9 _-.:|=,;{}[]\"\\/\u00e9\u4e2d\ud83d\ude00\u001d\u001e\u001f\t\n\u007f";

    static LongStream seeds() {
        long base = System.nanoTime();
        return LongStream.range(0, 20).map(i -> base + i);
    }

    private static String text(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anyEventRoundTrips(long seed) {
        System.out.println("EventCodecTest seed=" + seed);
        Random r = new Random(seed);
        for (int i = 0; i < 500; i++) {
            EventType type = EventType.values()[r.nextInt(EventType.values().length)];
            long ms = 1_700_000_000_000L + r.nextInt(1_000_000_000);
            SecurityEvent.Builder b = SecurityEvent.builder(type)
                    .id(EventIds.next(ms))
                    .time(Instant.ofEpochMilli(ms))
                    .severity(Severity.values()[r.nextInt(3)]);
            if (r.nextBoolean()) {
                b.user("u" + r.nextInt(1000) + ":x.y");
            }
            if (r.nextBoolean()) {
                b.session("s-" + r.nextInt(1000));
            }
            if (r.nextBoolean()) {
                b.ip(r.nextBoolean() ? "203.0.113." + r.nextInt(256) : "[2001:db8::" + r.nextInt(999) + "]");
            }
            b.userAgent(text(r, 40)).reason(text(r, 20));
            int details = r.nextInt(4);
            for (int d = 0; d < details; d++) {
                b.detail("k" + d, text(r, 10));
            }
            SecurityEvent e = b.build();
            assertThat(EventCodec.decode(EventCodec.encode(e), ms))
                    .as("seed %d, event %d", seed, i)
                    .isEqualTo(e);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aMalformedBodyIsRefused(long seed) {
        Random r = new Random(seed);
        String body = "01JGFJJZ000000000000000000" + "\u001f".repeat(r.nextInt(8));
        assertThatThrownBy(() -> EventCodec.decode(body, 1L)).isInstanceOf(IllegalArgumentException.class);
    }
}
