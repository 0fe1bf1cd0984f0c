package io.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** RFC 6238 codes and the edges of the drift window, at exact instants (no clock involved). */
class TotpTest {
    // RFC 6238 Appendix B, SHA-1 secret.
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void codesAreThoseOfRfc6238() {
        // The RFC's 8-digit values end in these 6 digits (HOTP truncation modulo 10^6).
        assertThat(Totp.code(SECRET, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
        assertThat(Totp.code(SECRET, Totp.step(Instant.ofEpochSecond(1111111109))))
                .isEqualTo("081804");
        assertThat(Totp.code(SECRET, Totp.step(Instant.ofEpochSecond(2000000000))))
                .isEqualTo("279037");
    }

    @Test
    void aCodeMatchesWithinOneStepEitherSideAndNotBeyond() {
        long t = 40_000_000L;
        String code = Totp.code(SECRET, t);
        Instant stepStart = Instant.ofEpochSecond(t * 30);
        // Its own step, first and last millisecond.
        assertThat(Totp.match(SECRET, code, stepStart, 1)).isEqualTo(OptionalLong.of(t));
        assertThat(Totp.match(SECRET, code, stepStart.plusMillis(29_999), 1)).isEqualTo(OptionalLong.of(t));
        // Late: the whole next step, not a millisecond of the one after.
        assertThat(Totp.match(SECRET, code, stepStart.plusMillis(59_999), 1)).isEqualTo(OptionalLong.of(t));
        assertThat(Totp.match(SECRET, code, stepStart.plusSeconds(60), 1)).isEmpty();
        // Early: the whole step before, not the one before that.
        assertThat(Totp.match(SECRET, code, stepStart.minusMillis(30_000), 1)).isEqualTo(OptionalLong.of(t));
        assertThat(Totp.match(SECRET, code, stepStart.minusMillis(30_001), 1)).isEmpty();
        // Window 0: its own step only.
        assertThat(Totp.match(SECRET, code, stepStart.plusSeconds(30), 0)).isEmpty();
    }

    @Test
    void malformedCodesNeverMatch() {
        Instant now = Instant.ofEpochSecond(1_200_000_000L);
        String code = Totp.code(SECRET, Totp.step(now));
        assertThat(Totp.match(SECRET, code, now, 1)).isPresent();
        assertThat(Totp.match(SECRET, null, now, 1)).isEmpty();
        assertThat(Totp.match(SECRET, "", now, 1)).isEmpty();
        assertThat(Totp.match(SECRET, code + "0", now, 1)).isEmpty();
        assertThat(Totp.match(SECRET, code.substring(1), now, 1)).isEmpty();
        assertThat(Totp.match(SECRET, "12345x", now, 1)).isEmpty();
    }
}
