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
 * A user's entries are one text value, each entry preceded by '\n'; fields are separated by '|':
 *
 *   session  <name16>|<created b36>|<lastSeen - created, b36>|<ip>|<device>|<uaHash>|<attrs>|<mac16>
 *   trusted  ~<device>|<since b36>|<until b36>|<uaHash>|<mac16>
 *
 * Times are epoch seconds in base 36 (6 characters until 2038; last-seen as an offset is 1 to 4), the
 * address is packed (4 or 16 bytes, base64url), the user agent is a 64-bit content hash whose text is
 * kept once for all sessions (UserAgents), and the MAC is HMAC-SHA256 truncated to 96 bits. Every byte
 * here is multiplied by a million sessions: see docs/SESSIONS.md for the measured alternatives. The
 * Lua scripts read only the first three fields of a session (id, created, last-seen) and the third of
 * a trust entry (until), to prune and to apply the limit; everything they rely on is covered by the
 * MAC that the Java side checks before trusting an entry.
 *
 * The MAC input starts with the entry type and the user id, so an entry copied to another user's key
 * or turned from one type into the other fails the check.
 *
 * A session's name is its handle's first part: a keyed hash of the id's random part (handleName), so
 * the stored entries name their sessions without holding anything a client could present as an id.
 */
final class RecordCodec {
    private static final Logger log = LoggerFactory.getLogger(RecordCodec.class);

    /** 96 bits: forging needs ~2^96 online attempts, each one a write to Redis; see docs/SESSIONS.md. */
    static final int MAC_BYTES = 12;

    static final int MAC_CHARS = 16;
    static final int MAX_USER_AGENT = 512;
    static final int MAX_ATTRIBUTES = 16;
    static final int MAX_ATTRIBUTE_VALUE = 256;
    static final int MAX_ATTRIBUTES_ENCODED = 1024;

    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern IPV4 =
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

    String session(
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
        return body + '|' + macOf('s', userId, body);
    }

    String session(String userId, StoredSession s, long lastSeen, Map<String, String> attributes) {
        return session(
                userId, s.name(), s.created(), lastSeen, s.ip(), s.device(), s.uaHash(), encodeAttributes(attributes));
    }

    /** The entry if its MAC is right and it parses; empty (and a warning without secrets) otherwise. */
    Optional<StoredSession> parseSession(String userId, String raw) {
        int macAt = raw.lastIndexOf('|');
        if (macAt < 0 || !verify('s', userId, raw, macAt)) {
            rejected(userId, "session");
            return Optional.empty();
        }
        String[] f = raw.split("\\|", -1);
        if (f.length != 8) {
            rejected(userId, "session");
            return Optional.empty();
        }
        try {
            long created = Long.parseLong(f[1], 36);
            return Optional.of(new StoredSession(
                    f[0], created, created + Long.parseLong(f[2], 36), f[3], f[4], f[5], decodeAttributes(f[6]), raw));
        } catch (IllegalArgumentException e) {
            rejected(userId, "session");
            return Optional.empty();
        }
    }

    // ---- trusted devices

    String trust(String userId, String device, long since, long until, String uaHash) {
        String body = "~" + device + '|' + Long.toString(since, 36) + '|' + Long.toString(until, 36) + '|' + uaHash;
        return body + '|' + macOf('t', userId, body);
    }

    Optional<StoredTrust> parseTrust(String userId, String raw) {
        int macAt = raw.lastIndexOf('|');
        if (macAt < 0 || !verify('t', userId, raw, macAt)) {
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
        return macOf('h', userId, random);
    }

    private String macOf(char type, String userId, String body) {
        Mac m = mac.get();
        m.update((byte) type);
        m.update(userId.getBytes(StandardCharsets.UTF_8));
        m.update((byte) '\n');
        byte[] full = m.doFinal(body.getBytes(StandardCharsets.UTF_8));
        byte[] cut = new byte[MAC_BYTES];
        System.arraycopy(full, 0, cut, 0, MAC_BYTES);
        return B64.encodeToString(cut);
    }

    private boolean verify(char type, String userId, String raw, int macAt) {
        String expected = macOf(type, userId, raw.substring(0, macAt));
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                raw.substring(macAt + 1).getBytes(StandardCharsets.US_ASCII));
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
        if (IPV4.matcher(s).matches()) {
            String[] p = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(p[i]);
            }
            return B64.encodeToString(b);
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
