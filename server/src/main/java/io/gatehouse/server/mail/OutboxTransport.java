package io.gatehouse.server.mail;

import jakarta.mail.Session;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.UUID;

/**
 * The embedded default: each message becomes an RFC 5322 file {@code <time>-<random>.eml} in the outbox
 * directory (owner-only permissions: the messages carry single-use tokens), written to a temporary name and
 * moved into place, so a reader never sees half a message.
 */
final class OutboxTransport implements MailTransport {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

    private final MailSettings settings;
    private final Session session = Session.getInstance(new Properties());
    private final Clock clock;

    OutboxTransport(MailSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String deliver(Mail mail) throws Exception {
        Path dir = settings.outbox();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            restrict(dir, "rwx------");
        }
        String name = STAMP.format(clock.instant().atZone(java.time.ZoneOffset.UTC)) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".eml";
        Path tmp = dir.resolve("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            restrict(tmp, "rw-------");
            MimeMessages.of(session, settings.from(), mail).writeTo(out);
        }
        Path target = dir.resolve(name);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target.toString();
    }

    private static void restrict(Path p, String perms) throws java.io.IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }
}
