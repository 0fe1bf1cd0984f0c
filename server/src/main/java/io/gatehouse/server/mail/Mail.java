package io.gatehouse.server.mail;

import java.util.Objects;

/**
 * One message, rendered.
 *
 * @param kind    the template it was made from ({@code verify-email}, {@code password-reset}, ...): the metrics' label
 * @param to      the recipient's address
 * @param subject the subject line
 * @param text    the plain-text body
 * @param html    the HTML body
 */
public record Mail(String kind, String to, String subject, String text, String html) {
    public Mail {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }

    /** Never prints the bodies: they carry single-use tokens. */
    @Override
    public String toString() {
        return "Mail[kind=" + kind + ", to=" + redacted(to) + ", subject=" + subject + "]";
    }

    /** {@code a***@example.com}: enough for an operator to tell messages apart, not a list of addresses. */
    public static String redacted(String address) {
        int at = address.lastIndexOf('@');
        if (at < 1) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }
}
