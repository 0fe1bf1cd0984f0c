package io.gatehouse.event;

import java.util.concurrent.ThreadLocalRandom;

/**
 * New event ids: ULIDs (26 Crockford base-32 characters: 48 bits of milliseconds, 80 random bits), so
 * ids sort by creation time and two processes never need to coordinate. They are not secrets.
 */
final class EventIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private EventIds() {}

    static String next(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong() >>> 24; // 40 random bits
        long lo = r.nextLong() >>> 24; // 40 random bits
        char[] out = new char[26];
        long t = epochMillis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }
}
