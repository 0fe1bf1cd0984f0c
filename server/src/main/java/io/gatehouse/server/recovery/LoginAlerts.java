package io.gatehouse.server.recovery;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.origin.LoginOrigins;
import io.gatehouse.server.mail.MailTemplates;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionListener;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * New-device and new-network alerts. A session listener: every new session (a login, whichever route it took:
 * the JSON API, the OAuth password grant, the console, a completed second factor) is checked in the background
 * against the user's remembered {@link LoginOrigins}; a device or network not among them records
 * {@code new_device} / {@code new_network} and mails the user once for the login, with a link to the account page.
 * The user's very first login remembers without alerting. Being a listener, it needs no line in the login flow.
 *
 * <p>Built before the Gatehouse (whose session store takes the listener), {@linkplain #bind bound} after it.
 */
public final class LoginAlerts implements SessionListener {
    private volatile Bound bound;

    private record Bound(
            LoginOrigins origins,
            UserService users,
            SecurityEvents events,
            AccountMail mail,
            RecoverySettings settings) {}

    /** Starts alerting; sessions created before this are not checked. */
    public void bind(
            LoginOrigins origins,
            UserService users,
            SecurityEvents events,
            AccountMail mail,
            RecoverySettings settings) {
        this.bound = new Bound(origins, users, events, mail, settings);
    }

    @Override
    public void sessionCreated(Session session) {
        Bound b = bound;
        if (b == null || !b.settings().alerts()) {
            return;
        }
        b.mail().later("a new-login alert", () -> check(b, session));
    }

    private static void check(Bound b, Session session) {
        List<String> what = new ArrayList<>();
        Optional<String> device = session.deviceId();
        if (device.isPresent()
                && b.origins().see(session.userId(), LoginOrigins.Kind.DEVICE, device.get())
                        == LoginOrigins.Sighting.NEW) {
            record(b, EventType.NEW_DEVICE, session);
            what.add("a new device");
        }
        Optional<String> network = session.ip().flatMap(LoginOrigins::network);
        if (network.isPresent()
                && b.origins().see(session.userId(), LoginOrigins.Kind.NETWORK, network.get())
                        == LoginOrigins.Sighting.NEW) {
            record(b, EventType.NEW_NETWORK, session);
            what.add("a new network (" + network.get() + ")");
        }
        if (what.isEmpty()) {
            return;
        }
        Optional<User> user = b.users().find(session.userId());
        if (user.isEmpty()) {
            return;
        }
        String email = user.get().email();
        b.mail()
                .send(b.mail()
                        .templates()
                        .render(
                                MailTemplates.Template.NEW_LOGIN,
                                email,
                                Map.of(
                                        "email", email,
                                        "what", String.join(" and ", what),
                                        "time", DateTimeFormatter.ISO_INSTANT.format(session.createdAt()),
                                        "ip", session.ip().orElse("unknown"),
                                        "user_agent", session.userAgent().orElse("unknown"),
                                        "account_link", b.settings().accountLink())));
    }

    private static void record(Bound b, EventType type, Session session) {
        SecurityEvent.Builder e = SecurityEvent.builder(type).user(session.userId());
        session.ip().ifPresent(e::ip);
        session.userAgent().ifPresent(e::userAgent);
        session.deviceId().ifPresent(d -> e.detail("device", d));
        session.ip().flatMap(LoginOrigins::network).ifPresent(n -> e.detail("network", n));
        b.events().record(e);
    }
}
