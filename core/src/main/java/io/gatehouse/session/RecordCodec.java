package io.gatehouse.session;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The stored form of sessions and trusted devices, and its MAC.
 *
 * A user's entries are one text value, entries separated by '\n' (values written before the compact
 * format also start with a '\n'). A session entry has one of two formats, told apart by '|': the
 * compact one never contains it, the text one always does. Both are read; the compact one is written
 * whenever it can hold the session (see compact()), the text one otherwise (and always with entry-format = text, during a rolling upgrade), so an entry stored by an
 * earlier version is rewritten compactly the next time it is written (touch, attribute update).
 *
 *   compact  <name16><shape><created5><lastSeen - created, 0-3><packed>[attrs]<mac11>
 *   text     <name16>|<created b36>|<lastSeen - created, b36>|<ip>|<device>|<uaHash>|<attrs>|<mac16>
 *   trusted  ~<device>|<since b36>|<until b36>|<uaHash>|<mac16>
 *
 * Compact: every character is base64url. Numbers are big-endian base64url digits (A = 0 ... _ = 63);
 * created counts seconds from 2020-01-01T00:00:00Z in 5 digits (until 2054); shape is one digit whose
 * bits say how many digits last-seen takes (bits 0-1: 0 to 3, i.e. under 2^18 s = 72 h), the address
 * (bits 2-3: none, IPv4, IPv6), whether a device id (bit 4) and a user-agent hash (bit 5) follow;
 * packed is those bytes (4 or 16, 8, 6) in that order, base64url; attrs is as in the text format; the
 * MAC is HMAC-SHA256 cut to 64 bits, over the type 'S', the user id and everything before it. A typical
 * login (IPv4, device, user agent, no attributes) is 57 characters, 60 at most once touched: with no
 * leading '\n', a one-session value stays in jemalloc's 64-byte class (see docs/SESSIONS.md).
 *
 * Text (written when compact cannot hold it: a clock before 2020 or after 2053, a session seen 72 h
 * after creation, a user-agent hash of the unkeyed 64-bit kind): times are epoch seconds in base 36, the
 * address packed (base64url), the MAC cut to 96 bits.
 *
 * The user agent is a content hash whose text is kept once for all sessions (UserAgents): 48 bits keyed
 * with the MAC key in compact entries (uaHash), 64 bits of plain SHA-256 in older ones. The Lua scripts
 * read only the name, created and last-seen of a session (either format) and the until of a trust
 * entry, to prune and to apply the limit; everything they rely on is covered by the MAC that the Java
 * side checks before trusting an entry.
 *
 * The MAC input starts with the entry type and the user id, so an entry copied to another user's key
 * or turned from one type into another fails the check.
 *
 * A session's name is its handle's first part: a keyed hash of the id's random part (handleName), so
 * the stored entries name their sessions without holding anything a client could present as an id.
 */
final class RecordCodec {
    private static final Logger log = LoggerFactory.getLogger(RecordCodec.class);

    /** Text format: 96 bits; see docs/SESSIONS.md. */
    static final int MAC_BYTES = 12;

    /** Compact format: 64 bits (the argument is in docs/SESSIONS.md, "Integrity: the MAC"). */
    static final int COMPACT_MAC_BYTES = 8;

    static final int COMPACT_MAC_CHARS = 11;

    /** Bytes of a keyed user-agent hash (8 characters). */
    static final int UA_HASH_BYTES = 6;

    /** The compact format's time origin, 2020-01-01T00:00:00Z, in epoch seconds (also in the Lua scripts). */
    static final long EPOCH = 1_577_836_800L;

    static final int MAX_USER_AGENT = 512;
    static final int MAX_ATTRIBUTES = 16;
    static final int MAX_ATTRIBUTE_VALUE = 256;
    static final int MAX_ATTRIBUTES_ENCODED = 1024;

    private static final int NAME_CHARS = SessionIds.HANDLE_CHARS;
    private static final int CREATED_DIGITS = 5;
    /** Where the last-seen digits start in a compact entry: after the name, the shape and created. */
    private static final int SEEN_AT = NAME_CHARS + 1 + CREATED_DIGITS;

    private static final String DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** What {@link #parseIpv4} accepts, as a pattern (the property test compares the two). */
    static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ThreadLocal<Mac> mac;
    private final ThreadLocal<Mac> deviceMac;

    RecordCodec(SessionKeys keys) {
        this.mac = hmac(keys.macKey());
        this.deviceMac = hmac(keys.deviceKey());
        mac.get();
    }

    private static ThreadLocal<Mac> hmac(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        return ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is required by the JDK", e);
            }
        });
    }

    // ---- sessions

    /** A session entry in {@code format} (compact falls back to text where it cannot hold the session). */
    String session(
            EntryFormat format,
            String userId,
            String name,
            long created,
            long lastSeen,
            String ip,
            String device,
            String uaHash,
            String attrs) {
        String compact = format == EntryFormat.COMPACT
                ? compact(userId, name, created, lastSeen, ip, device, uaHash, attrs)
                : null;
        return compact != null ? compact : text(userId, name, created, lastSeen, ip, device, uaHash, attrs);
    }

    /** The compact entry, or null when the session does not fit it (see the class comment). */
    String compact(
            String userId,
            String name,
            long created,
            long lastSeen,
            String ip,
            String device,
            String uaHash,
            String attrs) {
        long since = created - EPOCH;
        long seen = lastSeen - created;
        if (name.length() != NAME_CHARS
                || since < 0
                || since >= 1L << (6 * CREATED_DIGITS)
                || seen < 0
                || seen >= 1L << 18
                || !(ip.isEmpty() || ip.length() == 6 || ip.length() == 22)
                || !(device.isEmpty() || device.length() == 11)
                || !(uaHash.isEmpty() || uaHash.length() == 8)) {
            return null;
        }
        int seenDigits = seen == 0 ? 0 : seen < 64 ? 1 : seen < 4096 ? 2 : 3;
        int shape = seenDigits
                | (ip.isEmpty() ? 0 : ip.length() == 6 ? 4 : 8)
                | (device.isEmpty() ? 0 : 16)
                | (uaHash.isEmpty() ? 0 : 32);
        byte[] packed = new byte[(ip.length() * 3 / 4) + (device.isEmpty() ? 0 : 8) + (uaHash.isEmpty() ? 0 : 6)];
        int at = decodeInto(ip, packed, 0);
        at = decodeInto(device, packed, at);
        decodeInto(uaHash, packed, at);
        StringBuilder sb = new StringBuilder(SEEN_AT + 3 + 24 + attrs.length() + COMPACT_MAC_CHARS);
        sb.append(name).append(DIGITS.charAt(shape));
        digits(sb, since, CREATED_DIGITS);
        digits(sb, seen, seenDigits);
        sb.append(B64.encodeToString(packed)).append(attrs);
        String body = sb.toString();
        return body + macOf('S', userId, body, COMPACT_MAC_BYTES);
    }

    /** The text entry (the format before the compact one, still written when compact cannot hold a session). */
    String text(
            String userId,
            String name,
            long created,
            long lastSeen,
            String ip,
            String device,
            String uaHash,
            String attrs) {
        String body = name
                + '|'
                + Long.toString(created, 36)
                + '|'
                + Long.toString(lastSeen - created, 36)
                + '|'
                + ip
                + '|'
                + device
                + '|'
                + uaHash
                + '|'
                + attrs;
        return body + '|' + macOf('s', userId, body, MAC_BYTES);
    }

    /** The entry if its MAC is right and it parses; empty (and a warning without secrets) otherwise. */
    Optional<StoredSession> parseSession(String userId, String raw) {
        Optional<StoredSession> s = raw.indexOf('|') < 0 ? parseCompact(userId, raw) : parseText(userId, raw);
        if (s.isEmpty()) {
            rejected(userId, "session");
        }
        return s;
    }

    private Optional<StoredSession> parseCompact(String userId, String raw) {
        int macAt = raw.length() - COMPACT_MAC_CHARS;
        if (macAt < SEEN_AT || !verify('S', userId, raw, macAt, COMPACT_MAC_BYTES)) {
            return Optional.empty();
        }
        try {
            int shape = digit(raw.charAt(NAME_CHARS));
            int seenDigits = shape & 3;
            int ipBytes = new int[] {0, 4, 16, -1}[(shape >> 2) & 3];
            int deviceBytes = (shape & 16) == 0 ? 0 : 8;
            int uaBytes = (shape & 32) == 0 ? 0 : UA_HASH_BYTES;
            int packedAt = SEEN_AT + seenDigits;
            int packedBytes = ipBytes + deviceBytes + uaBytes;
            int attrsAt = packedAt + (packedBytes * 4 + 2) / 3;
            if (ipBytes < 0 || attrsAt > macAt) {
                return Optional.empty();
            }
            long created = EPOCH + number(raw, NAME_CHARS + 1, SEEN_AT);
            long lastSeen = created + number(raw, SEEN_AT, packedAt);
            byte[] packed = B64D.decode(raw.substring(packedAt, attrsAt));
            if (packed.length != packedBytes) {
                return Optional.empty();
            }
            return Optional.of(new StoredSession(
                    raw.substring(0, NAME_CHARS),
                    created,
                    lastSeen,
                    encode(packed, 0, ipBytes),
                    encode(packed, ipBytes, deviceBytes),
                    encode(packed, ipBytes + deviceBytes, uaBytes),
                    decodeAttributes(raw.substring(attrsAt, macAt)),
                    raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<StoredSession> parseText(String userId, String raw) {
        int macAt = raw.lastIndexOf('|');
        if (!verify('s', userId, raw, macAt, MAC_BYTES)) {
            return Optional.empty();
        }
        String[] f = raw.split("\\|", -1);
        if (f.length != 8) {
            return Optional.empty();
        }
        try {
            long created = Long.parseLong(f[1], 36);
            return Optional.of(new StoredSession(
                    f[0], created, created + Long.parseLong(f[2], 36), f[3], f[4], f[5], decodeAttributes(f[6]), raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void digits(StringBuilder sb, long value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            sb.append(DIGITS.charAt((int) (value >>> (6 * i)) & 63));
        }
    }

    private static long number(String s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n = n * 64 + digit(s.charAt(i));
        }
        return n;
    }

    private static int digit(char c) {
        int d = c < 128 ? DIGITS.indexOf(c) : -1;
        if (d < 0) {
            throw new IllegalArgumentException("not a base64url digit");
        }
        return d;
    }

    private static int decodeInto(String b64, byte[] into, int at) {
        if (b64.isEmpty()) {
            return at;
        }
        byte[] b = B64D.decode(b64);
        System.arraycopy(b, 0, into, at, b.length);
        return at + b.length;
    }

    private static String encode(byte[] b, int from, int length) {
        return length == 0 ? "" : B64.encodeToString(java.util.Arrays.copyOfRange(b, from, from + length));
    }

    // ---- trusted devices

    String trust(String userId, String device, long since, long until, String uaHash) {
        String body = "~" + device + '|' + Long.toString(since, 36) + '|' + Long.toString(until, 36) + '|' + uaHash;
        return body + '|' + macOf('t', userId, body, MAC_BYTES);
    }

    Optional<StoredTrust> parseTrust(String userId, String raw) {
        int macAt = raw.lastIndexOf('|');
        if (macAt < 0 || !verify('t', userId, raw, macAt, MAC_BYTES)) {
            rejected(userId, "trusted-device");
            return Optional.empty();
        }
        String[] f = raw.split("\\|", -1);
        if (f.length != 5 || f[0].length() < 2) {
            rejected(userId, "trusted-device");
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new StoredTrust(f[0].substring(1), Long.parseLong(f[1], 36), Long.parseLong(f[2], 36), f[3], raw));
        } catch (NumberFormatException e) {
            rejected(userId, "trusted-device");
            return Optional.empty();
        }
    }

    private static void rejected(String userId, String what) {
        // The entry may be an attacker's: say whose and what, never its content (it holds the session id).
        log.warn(
                "A stored {} entry of user {} failed its integrity check and is treated as absent; "
                        + "someone with write access to the session store altered it",
                what,
                userId);
    }

    /**
     * The entry name (and handle's first part) of the session whose id has the random part {@code random}:
     * HMAC-SHA256 with the MAC key over a type of its own, cut to 96 bits. Keyed, so neither a handle nor
     * a read of Redis lets anyone compute an id, even by trying ids offline.
     */
    String handleName(String userId, String random) {
        return macOf('h', userId, random, MAC_BYTES);
    }

    /**
     * The 48-bit hash that names a user-agent text ({@link UserAgents}): keyed with the MAC key, so nobody
     * without it can make another text with the same hash (an unkeyed 48-bit one could be matched by a
     * second preimage search) or learn which browser a stored hash stands for.
     */
    String uaHash(String userAgent) {
        return macOf('u', "", userAgent, UA_HASH_BYTES);
    }

    private String macOf(char type, String userId, String body, int bytes) {
        Mac m = mac.get();
        m.update((byte) type);
        m.update(userId.getBytes(StandardCharsets.UTF_8));
        m.update((byte) '\n');
        byte[] full = m.doFinal(body.getBytes(StandardCharsets.UTF_8));
        return encode(full, 0, bytes);
    }

    /** Whether {@code raw} ends with the right MAC of the {@code bytes} given, starting at {@code macAt} (after a '|' if any). */
    private boolean verify(char type, String userId, String raw, int macAt, int bytes) {
        if (macAt < 0) {
            return false;
        }
        String expected = macOf(type, userId, raw.substring(0, macAt), bytes);
        int from = raw.charAt(macAt) == '|' ? macAt + 1 : macAt;
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                raw.substring(from).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- devices

    /** A 64-bit keyed hash (11 characters): unique enough among one user's devices, and reveals nothing of the fingerprint. */
    String deviceId(String kind, String value) {
        Mac m = deviceMac.get();
        m.update(kind.getBytes(StandardCharsets.UTF_8));
        m.update((byte) '\n');
        byte[] full = m.doFinal(value.getBytes(StandardCharsets.UTF_8));
        byte[] cut = new byte[8];
        System.arraycopy(full, 0, cut, 0, 8);
        return B64.encodeToString(cut);
    }

    static String requireDeviceId(String deviceId) {
        if (deviceId == null
                || deviceId.length() != 11
                || !deviceId.chars().allMatch(c -> SessionIds.isBase64Url((char) c))) {
            throw new SessionInputException(
                    "a device id is 11 base64url characters, as returned by deviceId() or Session.deviceId()");
        }
        return deviceId;
    }

    // ---- addresses

    /** Packs a literal IPv4 or IPv6 address (never a host name: nothing is looked up). */
    static String packIp(String ip) {
        String s = ip.trim();
        byte[] v4 = parseIpv4(s);
        if (v4 != null) {
            return B64.encodeToString(v4);
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches()) {
            try {
                // With a ':' in it, InetAddress parses the literal and never asks DNS.
                return B64.encodeToString(InetAddress.getByName(s).getAddress());
            } catch (UnknownHostException | IllegalArgumentException e) {
                // fall through
            }
        }
        throw new SessionInputException("ip must be a literal IPv4 or IPv6 address");
    }

    /**
     * The four bytes of a dotted-quad IPv4 literal: four numbers 0 to 255 without leading zeros (what
     * {@code IPV4} matches); null for anything else. By hand, not by the pattern: a create runs it on every
     * login, and the regex and the split were a fifth of a create's own CPU (docs/BENCHMARKS.md).
     */
    static byte[] parseIpv4(String s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return null;
        }
        byte[] b = new byte[4];
        int part = 0;
        int i = 0;
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            b[part++] = (byte) value;
            if (part == 4) {
                return i == n ? b : null;
            }
            if (i >= n || s.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    static Optional<String> unpackIp(String packed) {
        if (packed.isEmpty()) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByAddress(B64D.decode(packed));
            return Optional.of(a.getHostAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ---- attributes

    static void checkAttributes(Map<String, String> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw new SessionInputException("at most " + MAX_ATTRIBUTES + " attributes per session");
        }
        attributes.forEach((k, v) -> {
            if (!ATTRIBUTE_KEY.matcher(k).matches()) {
                throw new SessionInputException("attribute names are 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            if (v.length() > MAX_ATTRIBUTE_VALUE) {
                throw new SessionInputException(
                        "attribute " + k + " is longer than " + MAX_ATTRIBUTE_VALUE + " characters");
            }
        });
        if (encodeAttributes(attributes).length() > MAX_ATTRIBUTES_ENCODED) {
            throw new SessionInputException(
                    "the attributes take more than " + MAX_ATTRIBUTES_ENCODED + " bytes encoded");
        }
    }

    /** {@code k=v&k=v}, names sorted, values URL-encoded (so no '|' or newline can appear). */
    static String encodeAttributes(Map<String, String> attributes) {
        if (attributes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(attributes).forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    static Map<String, String> decodeAttributes(String encoded) {
        if (encoded.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("bad attribute encoding");
            }
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static String truncateUserAgent(String ua) {
        String s = ua.strip();
        return s.length() <= MAX_USER_AGENT ? s : s.substring(0, MAX_USER_AGENT);
    }
}
