package io.gatehouse.server.mail;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code gatehouse.mail.*}: where mail goes and how.
 *
 * @param host         {@code gatehouse.mail.host}: the SMTP server; empty sends nothing and writes each message
 *                     to the outbox directory instead (the embedded default)
 * @param port         {@code gatehouse.mail.port}: default 587 with STARTTLS, 465 with TLS, 25 without
 * @param security     {@code gatehouse.mail.security}: {@code starttls} (default: required, the connection fails
 *                     rather than sending in clear), {@code tls} (implicit TLS, SMTPS) or {@code none}
 * @param username     {@code gatehouse.mail.username}: SMTP AUTH user, if the server wants one
 * @param password     {@code gatehouse.mail.password}: its password
 * @param from         {@code gatehouse.mail.from}: the sender, default {@code Gatehouse <no-reply@localhost>}
 * @param outbox       {@code gatehouse.mail.outbox-dir}: default {@code <data-dir>/outbox}
 * @param templates    {@code gatehouse.mail.templates-dir}: a directory whose templates replace the built-in ones
 * @param timeout      {@code gatehouse.mail.timeout}: connect, read and write timeout of SMTP, default 10s
 * @param attempts     {@code gatehouse.mail.attempts}: tries per message before it is dropped (logged), default 5
 * @param retryBackoff {@code gatehouse.mail.retry-backoff}: wait before the second try, doubled for each next one,
 *                     default 10s (so 5 tries span about 2.5 minutes)
 */
public record MailSettings(
        Optional<String> host,
        int port,
        Security security,
        Optional<String> username,
        Optional<String> password,
        InternetAddress from,
        Path outbox,
        Optional<Path> templates,
        Duration timeout,
        int attempts,
        Duration retryBackoff) {

    /** How the SMTP connection is protected. */
    public enum Security {
        NONE,
        STARTTLS,
        TLS
    }

    public static final String HOST = "gatehouse.mail.host";
    public static final String TEMPLATES = "gatehouse.mail.templates-dir";

    public static MailSettings fromConfig(GatehouseConfig config) {
        Optional<String> host = config.get(HOST).map(String::strip).filter(s -> !s.isEmpty());
        String sec =
                config.string("gatehouse.mail.security", "starttls").strip().toLowerCase(Locale.ROOT);
        Security security = switch (sec) {
            case "none" -> Security.NONE;
            case "starttls" -> Security.STARTTLS;
            case "tls" -> Security.TLS;
            default ->
                throw new ConfigException(
                        "gatehouse.mail.security",
                        "gatehouse.mail.security = '" + sec + "' must be starttls, tls or none");
        };
        int defaultPort = switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        int port = (int) config.numberInRange("gatehouse.mail.port", defaultPort, 1, 65535);
        Optional<String> username = config.get("gatehouse.mail.username").filter(s -> !s.isBlank());
        Optional<String> password = config.get("gatehouse.mail.password").filter(s -> !s.isEmpty());
        if (username.isPresent() != password.isPresent()) {
            throw new ConfigException(
                    "gatehouse.mail.username",
                    "gatehouse.mail.username and gatehouse.mail.password go together: set both or neither");
        }
        String fromText = config.string("gatehouse.mail.from", "Gatehouse <no-reply@localhost>");
        InternetAddress from;
        try {
            from = new InternetAddress(fromText, true);
        } catch (AddressException e) {
            throw new ConfigException(
                    "gatehouse.mail.from",
                    "gatehouse.mail.from = '" + fromText
                            + "' is not an address such as 'Gatehouse <no-reply@example.com>'");
        }
        Path outbox = config.get("gatehouse.mail.outbox-dir")
                .map(Path::of)
                .orElse(config.dataDir().resolve("outbox"));
        Optional<Path> templates =
                config.get(TEMPLATES).filter(s -> !s.isBlank()).map(Path::of);
        if (templates.isPresent() && !Files.isDirectory(templates.get())) {
            throw new ConfigException(TEMPLATES, TEMPLATES + " = '" + templates.get() + "' is not a directory");
        }
        Duration timeout = config.positiveDuration("gatehouse.mail.timeout", Duration.ofSeconds(10));
        int attempts = (int) config.numberInRange("gatehouse.mail.attempts", 5, 1, 20);
        Duration backoff = config.positiveDuration("gatehouse.mail.retry-backoff", Duration.ofSeconds(10));
        return new MailSettings(
                host, port, security, username, password, from, outbox, templates, timeout, attempts, backoff);
    }

    @Override
    public String toString() {
        return host.map(h -> "smtp " + h + ":" + port + " " + security.name().toLowerCase(Locale.ROOT))
                .orElse("outbox " + outbox);
    }
}
