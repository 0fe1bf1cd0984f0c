package io.gatehouse.backup;

import java.util.Locale;

/** One-line human summaries of a backup, for the webhook, the CLI and logs. */
final class Summary {
    private Summary() {}

    static String success(Manifest m) {
        return String.format(
                Locale.ROOT,
                "Gatehouse backup %s of %s (%s) done: %d file(s), %s stored (%s snapshot), " + "%d keys %s, %.1f s",
                m.id(),
                m.deployment(),
                m.source(),
                m.files().size(),
                bytes(m.storedBytes()),
                bytes(m.rdbBytes()),
                m.totalKeys(),
                m.keys(),
                m.durationMillis() / 1000.0);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        int exp = (int) (Math.log(n) / Math.log(1024));
        return String.format(Locale.ROOT, "%.1f %siB", n / Math.pow(1024, exp), "KMGTPE".charAt(exp - 1));
    }
}
