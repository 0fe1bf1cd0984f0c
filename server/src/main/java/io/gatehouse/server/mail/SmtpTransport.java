package io.gatehouse.server.mail;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.util.Properties;

/** SMTP through Angus Mail: one connection per message (mail here is rare: registrations, resets, alerts). */
final class SmtpTransport implements MailTransport {
    private final MailSettings settings;
    private final Session session;
    private final String where;

    SmtpTransport(MailSettings settings) {
        this.settings = settings;
        String host = settings.host().orElseThrow();
        boolean tls = settings.security() == MailSettings.Security.TLS;
        String protocol = tls ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put(p + "host", host);
        props.put(p + "port", Integer.toString(settings.port()));
        String timeout = Long.toString(settings.timeout().toMillis());
        props.put(p + "connectiontimeout", timeout);
        props.put(p + "timeout", timeout);
        props.put(p + "writetimeout", timeout);
        props.put(p + "auth", Boolean.toString(settings.username().isPresent()));
        if (settings.security() == MailSettings.Security.STARTTLS) {
            // Required, not opportunistic: a server (or a man in the middle) that does not offer STARTTLS fails the
            // delivery instead of getting the message, and the credentials, in clear.
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (settings.security() != MailSettings.Security.NONE) {
            props.put(p + "ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
        this.where = protocol + "://" + host + ":" + settings.port();
    }

    @Override
    public String deliver(Mail mail) throws Exception {
        var message = MimeMessages.of(session, settings.from(), mail);
        try (Transport t = session.getTransport()) {
            if (settings.username().isPresent()) {
                t.connect(settings.username().get(), settings.password().orElseThrow());
            } else {
                t.connect();
            }
            t.sendMessage(message, message.getAllRecipients());
        }
        return where;
    }
}
