package io.gatehouse.server.http;

import io.gatehouse.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which address a request comes from, and under which key rate limits and lockouts count it.
 *
 * <p><b>Trusted proxies</b> ({@value #KEY}, CIDRs such as {@code 10.0.0.0/8, ::1/128}; default none). The TCP
 * peer is the client unless it is a trusted proxy; then {@code Forwarded} (RFC 7239) or else
 * {@code X-Forwarded-For} is read from the right, skipping addresses that are trusted proxies themselves, and
 * the first untrusted one is the client. Anything left of it was written by the client and is never believed.
 * A header that does not parse leaves the proxy's own address.
 *
 * <p><b>Limit keys</b>: an IPv4 address counts as itself; an IPv6 address counts as its /64, since one
 * subscriber usually holds a whole /64 and could otherwise rotate through 2^64 addresses.
 */
public final class ClientAddress {
    public static final String KEY = "gatehouse.server.trusted-proxies";
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<Cidr> trusted;

    private ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** No proxy trusted: the TCP peer is the client. */
    public static ClientAddress direct() {
        return new ClientAddress(List.of());
    }

    /** Parses {@value #KEY}. */
    public static ClientAddress parse(String csv) {
        List<Cidr> out = new ArrayList<>();
        for (String raw : csv.split(",")) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            out.add(
                    Cidr.parse(s)
                            .orElseThrow(
                                    () -> new ConfigException(
                                            KEY,
                                            KEY + " contains '" + s
                                                    + "'; list proxy addresses or networks as CIDRs such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32")));
        }
        return new ClientAddress(out);
    }

    /**
     * The client address of a request.
     *
     * @param peer           the TCP peer as an address literal
     * @param forwarded      the {@code Forwarded} header values, in order
     * @param xForwardedFor  the {@code X-Forwarded-For} header values, in order
     */
    public String resolve(String peer, List<String> forwarded, List<String> xForwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = forwarded.isEmpty() ? split(xForwardedFor) : forwardedFor(forwarded);
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> a = literal(hops.get(i));
            if (a.isEmpty()) {
                return client; // unparseable: stop at the last address a trusted hop vouched for
            }
            client = text(a.get());
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client;
    }

    /** The subject rate limits and lockouts count {@code ip} under: itself, or its /64 for IPv6. */
    public static String limitKey(String ip) {
        if (ip.indexOf(':') < 0) {
            return ip;
        }
        Optional<InetAddress> a = literal(ip);
        if (a.isEmpty() || a.get().getAddress().length != 16) {
            return ip;
        }
        byte[] b = a.get().getAddress();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)))
                    .append(':');
        }
        return sb.append(":/64").toString();
    }

    private boolean isTrusted(String ip) {
        Optional<InetAddress> a = literal(ip);
        return a.isPresent() && trusted.stream().anyMatch(c -> c.contains(a.get()));
    }

    private static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String p : v.split(",")) {
                out.add(p.strip());
            }
        }
        return out;
    }

    /** The {@code for=} parameters of RFC 7239 elements, in order ({@code for="[2001:db8::1]:443"} forms too). */
    private static List<String> forwardedFor(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String element : split(values)) {
            String f = "";
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0
                        && pair.substring(0, eq)
                                .strip()
                                .toLowerCase(Locale.ROOT)
                                .equals("for")) {
                    f = pair.substring(eq + 1).strip();
                }
            }
            if (f.startsWith("\"") && f.endsWith("\"") && f.length() >= 2) {
                f = f.substring(1, f.length() - 1);
            }
            if (f.startsWith("[")) {
                int end = f.indexOf(']');
                f = end > 0 ? f.substring(1, end) : "";
            } else if (f.indexOf(':') > 0 && f.indexOf(':') == f.lastIndexOf(':')) {
                f = f.substring(0, f.indexOf(':')); // IPv4 with a port
            }
            out.add(f);
        }
        return out;
    }

    /** An address literal (never a host name: nothing here may trigger a DNS lookup). */
    static Optional<InetAddress> literal(String s) {
        if (s == null || !LITERAL.matcher(s).matches() || (s.indexOf(':') < 0 && !s.matches("[0-9.]+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String text(InetAddress a) {
        String t = a.getHostAddress();
        int scope = t.indexOf('%');
        return scope >= 0 ? t.substring(0, scope) : t;
    }

    private record Cidr(byte[] network, int bits) {
        static Optional<Cidr> parse(String s) {
            int slash = s.indexOf('/');
            Optional<InetAddress> a = literal(slash < 0 ? s : s.substring(0, slash));
            if (a.isEmpty()) {
                return Optional.empty();
            }
            int max = a.get().getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            return bits < 0 || bits > max
                    ? Optional.empty()
                    : Optional.of(new Cidr(a.get().getAddress(), bits));
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
