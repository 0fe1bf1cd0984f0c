package io.gatehouse.server.mail;

/** Where a rendered message goes: an SMTP server, or the outbox directory. */
interface MailTransport {
    /**
     * Delivers one message.
     *
     * @return where it went, for the log (a server or a file path; never the message)
     * @throws Exception anything that failed: the {@link Mailer} retries
     */
    String deliver(Mail mail) throws Exception;
}
