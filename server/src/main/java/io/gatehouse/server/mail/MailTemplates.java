package io.gatehouse.server.mail;

import io.gatehouse.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages Gatehouse sends, each a plain-text template {@code <name>.txt} (first line {@code Subject: ...},
 * a blank line, the body) and an HTML template {@code <name>.html}, with {@code {{placeholder}}}s. The built-in
 * ones are resources beside this class; a file of the same name in {@code gatehouse.mail.templates-dir} replaces
 * one. Values are HTML-escaped in the HTML body (and in the subject and text inserted as they are). All templates
 * are read and checked when the server starts, so a broken one stops the start, naming the file.
 */
public final class MailTemplates {
    /** The messages. */
    public enum Template {
        /** At registration: the link that verifies the address. Placeholders: email, link, expires_in. */
        VERIFY_EMAIL("verify-email"),
        /** A password reset was asked for. Placeholders: email, link, expires_in, ip. */
        PASSWORD_RESET("password-reset"),
        /** Someone tried to register with an address that has an account. Placeholders: email, reset_link, ip. */
        REGISTRATION_ATTEMPT("registration-attempt"),
        /** A login from a new device or network. Placeholders: email, what, time, ip, user_agent, account_link. */
        NEW_LOGIN("new-login");

        final String file;

        Template(String file) {
            this.file = file;
        }

        /** The file name without extension, e.g. {@code verify-email}. */
        public String file() {
            return file;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private record Parts(String subject, String text, String html) {}

    private final Map<Template, Parts> parts = new EnumMap<>(Template.class);

    private MailTemplates(Optional<Path> dir) {
        for (Template t : Template.values()) {
            String txt = read(dir, t.file + ".txt");
            String html = read(dir, t.file + ".html");
            if (!txt.startsWith("Subject: ") || txt.indexOf('\n') < 0) {
                throw new ConfigException(
                        MailSettings.TEMPLATES,
                        "mail template " + t.file + ".txt must start with a line 'Subject: ...' followed by the body");
            }
            int nl = txt.indexOf('\n');
            String subject = txt.substring("Subject: ".length(), nl).strip();
            String body = txt.substring(nl + 1).replaceFirst("^\\r?\\n", "");
            parts.put(t, new Parts(subject, body, html));
        }
    }

    /** The templates, each from {@code dir} when it has the file, else the built-in one. */
    public static MailTemplates load(Optional<Path> dir) {
        return new MailTemplates(dir);
    }

    /** {@code template} for {@code to}, with {@code values} filled in (a placeholder without a value stays empty). */
    public Mail render(Template template, String to, Map<String, String> values) {
        Parts p = parts.get(template);
        return new Mail(
                template.file,
                to,
                fill(p.subject(), values, false).replaceAll("[\\r\\n]", " "),
                fill(p.text(), values, false),
                fill(p.html(), values, true));
    }

    private static String fill(String template, Map<String, String> values, boolean html) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 128);
        while (m.find()) {
            String v = values.getOrDefault(m.group(1), "");
            m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(v) : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String read(Optional<Path> dir, String name) {
        if (dir.isPresent()) {
            Path f = dir.get().resolve(name);
            if (Files.isRegularFile(f)) {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ConfigException(
                            MailSettings.TEMPLATES, "cannot read mail template " + f + ": " + e.getMessage());
                }
            }
        }
        try (InputStream in = MailTemplates.class.getResourceAsStream("templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in mail template " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
