package io.gatehouse.server.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Browser, operating system and device type of a user agent, by ua-parser's maintained regular expressions
 * ({@code uap-java}, the uap-core list). A few thousand distinct user agents cover nearly every session, so
 * answers are remembered (parsing one costs tens of microseconds to milliseconds of regular expressions).
 */
final class Browsers {
    private final Parser parser = new Parser();
    private final Cache<String, Map<String, Object>> parsed =
            Caffeine.newBuilder().maximumSize(4096).build();

    /** {@code {browser, os, device, user_agent}} for display; unknown parts are "Unknown". */
    Map<String, Object> describe(Optional<String> userAgent) {
        if (userAgent.isEmpty()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("browser", "Unknown");
            m.put("os", "Unknown");
            m.put("device", "Unknown");
            m.put("user_agent", null);
            return m;
        }
        String ua = userAgent.get().length() > 512 ? userAgent.get().substring(0, 512) : userAgent.get();
        return parsed.get(ua, this::parse);
    }

    private Map<String, Object> parse(String ua) {
        Client c = parser.parse(ua);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("browser", name(c.userAgent.family, c.userAgent.major));
        m.put("os", name(c.os.family, c.os.major));
        m.put("device", deviceType(c, ua));
        m.put("user_agent", ua);
        return m;
    }

    private static String name(String family, String major) {
        if (family == null || family.equals("Other")) {
            return "Unknown";
        }
        return major == null ? family : family + " " + major;
    }

    /** desktop, phone, tablet, bot or unknown: uap-core names device models, not types, so the type is inferred. */
    static String deviceType(Client c, String ua) {
        String device = c.device.family == null ? "Other" : c.device.family;
        String os = c.os.family == null ? "Other" : c.os.family;
        if (device.equals("Spider")) {
            return "bot";
        }
        if (device.contains("iPad") || ua.contains("Tablet") || (os.equals("Android") && !ua.contains("Mobile"))) {
            return "tablet";
        }
        if (device.contains("iPhone") || ua.contains("Mobile") || os.equals("iOS")) {
            return "phone";
        }
        if (os.startsWith("Windows")
                || os.equals("Mac OS X")
                || os.equals("macOS")
                || os.equals("Linux")
                || os.equals("Ubuntu")
                || os.equals("Fedora")
                || os.equals("Chrome OS")
                || os.equals("FreeBSD")) {
            return "desktop";
        }
        return "unknown";
    }
}
