package io.gatehouse.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The packed form of an event in a Redis stream entry: one field {@code e} holding
 * {@code id US type US severity US user US session US ip US user-agent US reason US details}, where US is
 * the unit separator (0x1F) and details are {@code key GS value RS key GS value} (GS 0x1D, RS 0x1E).
 * No field can contain these characters: ids refuse control characters and text fields have them
 * replaced when the event is built. The time is not in the body: it is the stream id's milliseconds
 * (an event stored in order takes {@code <time>-<seq>} as its id), or field {@code t} for an event stored
 * late. One value instead of ten field/value pairs saves Redis about 9 listpack element headers per
 * entry and ships 6 script arguments per event instead of 11.
 */
final class EventCodec {
    static final char US = 0x1f;
    static final char GS = 0x1d;
    static final char RS = 0x1e;

    private EventCodec() {}

    static String encode(SecurityEvent e) {
        StringBuilder sb = new StringBuilder(96
                + e.userAgent().map(String::length).orElse(0)
                + e.reason().map(String::length).orElse(0)
                + e.details().size() * 32);
        sb.append(e.id())
                .append(US)
                .append(e.type().code())
                .append(US)
                .append(severityCode(e.severity()))
                .append(US);
        e.user().ifPresent(sb::append);
        sb.append(US);
        e.session().ifPresent(sb::append);
        sb.append(US);
        e.ip().ifPresent(sb::append);
        sb.append(US);
        e.userAgent().ifPresent(sb::append);
        sb.append(US);
        e.reason().ifPresent(sb::append);
        sb.append(US);
        boolean first = true;
        for (Map.Entry<String, String> d : e.details().entrySet()) {
            if (!first) {
                sb.append(RS);
            }
            sb.append(d.getKey()).append(GS).append(d.getValue());
            first = false;
        }
        return sb.toString();
    }

    /** The event of a packed body stored at time {@code timeMs}; a malformed body is an IllegalArgumentException. */
    static SecurityEvent decode(String body, long timeMs) {
        String[] f = split(body, US, 9);
        if (f.length != 9) {
            throw new IllegalArgumentException("malformed stored security event (" + f.length + " fields)");
        }
        Map<String, String> details = new LinkedHashMap<>();
        if (!f[8].isEmpty()) {
            for (String pair : split(f[8], RS, SecurityEvent.MAX_DETAILS)) {
                int at = pair.indexOf(GS);
                if (at < 0) {
                    throw new IllegalArgumentException("malformed stored security event details");
                }
                details.put(pair.substring(0, at), pair.substring(at + 1));
            }
        }
        return EventJson.fromFields(
                f[0], Instant.ofEpochMilli(timeMs), f[1], severity(f[2]), f[3], f[4], f[5], f[6], f[7], details);
    }

    static String severityCode(Severity s) {
        return switch (s) {
            case INFO -> "i";
            case WARNING -> "w";
            case CRITICAL -> "c";
        };
    }

    private static String severity(String code) {
        return switch (code) {
            case "i" -> "info";
            case "w" -> "warning";
            case "c" -> "critical";
            default -> throw new IllegalArgumentException("malformed stored security event severity '" + code + "'");
        };
    }

    /** Splits on {@code sep} into at most {@code max} parts (the last keeps any further separators). */
    private static String[] split(String s, char sep, int max) {
        String[] out = new String[max];
        int n = 0;
        int start = 0;
        while (n < max - 1) {
            int at = s.indexOf(sep, start);
            if (at < 0) {
                break;
            }
            out[n++] = s.substring(start, at);
            start = at + 1;
        }
        out[n++] = s.substring(start);
        return n == max ? out : java.util.Arrays.copyOf(out, n);
    }
}
