package io.gatehouse.user;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Email rules: what is accepted, what is stored, and what decides that two addresses are the same user.
 *
 * <p>Two forms exist. The <em>canonical</em> form is what the user typed, trimmed and put in Unicode NFC
 * (so the same visible text is the same string); it is stored and shown. The <em>key</em> is the canonical
 * form in NFKC, lower-cased with {@link Locale#ROOT}; a unique index on it makes {@code Ann@Example.com},
 * {@code ann@example.com} and a full-width {@code ａｎｎ@example.com} one account. NFKC (compatibility
 * folding) is used for the key only: it is stricter than NFC, which is what uniqueness wants (fewer
 * look-alike duplicate accounts), while the address we would send mail to stays as typed. Lower-casing
 * the local part departs from RFC 5321 (which lets it be case-sensitive) as every large provider does.
 *
 * <p>The syntax check is deliberately pragmatic, not RFC 5322: one {@code @}, a non-empty local part of
 * at most 64 characters, a domain of dot-separated labels (letters, digits, hyphens; Unicode letters for
 * internationalised domains), at most 254 characters in total, no whitespace or control characters.
 */
public final class EmailAddress {
    /** RFC 5321's limit on a forward path, minus the angle brackets. */
    public static final int MAX_LENGTH = 254;

    private EmailAddress() {}

    /** The canonical form of {@code raw}, or the reason it is not an acceptable address. */
    public static String canonical(String raw) {
        Optional<String> reason = check(raw);
        if (reason.isPresent()) {
            throw new InvalidUserInputException("email", reason.get());
        }
        return Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
    }

    /** The uniqueness key of an address (canonical or not): NFKC, then lower case. */
    public static String key(String email) {
        return Normalizer.normalize(email.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** Why {@code raw} is not acceptable, or empty when it is. */
    static Optional<String> check(String raw) {
        String email = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        if (email.isEmpty()) {
            return Optional.of(raw.isEmpty() ? "is required" : "must not be blank");
        }
        // The key is what the database stores under a unique index: NFKC can expand a character (U+FDFA is 18),
        // so an address of fitting length can have a key that does not fit.
        if (email.length() > MAX_LENGTH || key(email).length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        if (email.codePoints()
                .anyMatch(c -> Character.isWhitespace(c)
                        || Character.isISOControl(c)
                        || Character.getType(c) == Character.FORMAT)) {
            return Optional.of("must not contain spaces or control characters");
        }
        int at = email.lastIndexOf('@');
        if (at <= 0 || email.indexOf('@') != at || at == email.length() - 1) {
            return Optional.of("must look like name@example.com");
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > 64) {
            return Optional.of("the part before @ must be at most 64 characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return Optional.of("must look like name@example.com");
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.of("the domain must contain a dot, like example.com");
        }
        for (String label : labels) {
            if (label.isEmpty()
                    || label.length() > 63
                    || label.startsWith("-")
                    || label.endsWith("-")
                    || !label.codePoints().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                return Optional.of("the domain is not valid");
            }
        }
        return Optional.empty();
    }
}
