package io.gatehouse.server.console;

import io.gatehouse.event.SecurityEvent;
import io.gatehouse.server.admin.AdminRoutes;
import io.gatehouse.session.Device;
import io.gatehouse.session.Session;
import io.gatehouse.user.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the console's pages show of sessions, devices, events and users, as JSON-ready maps. A session is
 * named by its handle (its public name), never by its id: session ids are bearer secrets.
 */
final class ConsoleViews {
    private final Browsers browsers;

    ConsoleViews(Browsers browsers) {
        this.browsers = browsers;
    }

    /** A session as the account page lists it; {@code ref} is its handle (its public name), never its id. */
    Map<String, Object> session(Session s, String currentHandle) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", s.handle());
        m.put("current", s.handle().equals(currentHandle));
        m.putAll(browsers.describe(s.userAgent()));
        m.put("ip", s.ip().orElse(null));
        m.put("created_at", s.createdAt().toString());
        m.put("last_seen_at", s.lastSeenAt().toString());
        m.put("expires_at", s.expiresAt().toString());
        m.put("device_id", s.deviceId().orElse(null));
        m.put("device_name", s.attributes().get("device_name"));
        m.put("console", s.attributes().containsKey(ConsoleGate.ATTRIBUTE));
        return m;
    }

    Map<String, Object> device(Device d, String currentDeviceId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_id", d.deviceId());
        m.put("current", d.deviceId().equals(currentDeviceId));
        m.putAll(browsers.describe(d.userAgent()));
        m.put("first_seen_at", d.firstSeenAt().toString());
        m.put("last_seen_at", d.lastSeenAt().toString());
        m.put("trusted", d.trusted());
        m.put("trusted_until", d.trustedUntil().map(Object::toString).orElse(null));
        m.put("sessions", d.sessions().size());
        return m;
    }

    /** The admin API's rendering of an event, with the parsed browser and without the session id. */
    Map<String, Object> event(SecurityEvent e) {
        Map<String, Object> m = new LinkedHashMap<>(AdminRoutes.event(e));
        m.remove("session");
        m.put(
                "browser",
                e.userAgent().isPresent() ? browsers.describe(e.userAgent()).get("browser") : null);
        return m;
    }

    static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("email", u.email());
        m.put("full_name", u.fullName().orElse(null));
        m.put("status", u.status().name().toLowerCase(Locale.ROOT));
        m.put("roles", u.roles().stream().sorted().toList());
        m.put("created_at", u.createdAt().toString());
        return m;
    }

    static List<String> sortedRoles(User u) {
        return u.roles().stream().sorted().toList();
    }
}
