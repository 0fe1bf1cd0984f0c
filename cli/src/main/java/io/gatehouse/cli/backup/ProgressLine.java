package io.gatehouse.cli.backup;

import io.gatehouse.backup.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws transfer progress on one line: step, bytes (or keys) done of the total, percent and rate.
 * On a terminal the line redraws in place; otherwise a line at most every 5 s, so logs stay short.
 */
final class ProgressLine implements Progress {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private String step = "";
    private long startNanos;
    private long lastPrintNanos;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void report(String step, long done, long total) {
        long now = System.nanoTime();
        if (!step.equals(this.step)) {
            this.step = step;
            startNanos = now;
            lastPrintNanos = 0;
        }
        boolean finished = total >= 0 && done >= total;
        long every = terminal ? 200_000_000L : 5_000_000_000L;
        if (!finished && now - lastPrintNanos < every) {
            return;
        }
        lastPrintNanos = now;
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        boolean keys = step.endsWith("keys");
        String amount = keys
                ? done + (total >= 0 ? "/" + total : "") + " keys"
                : bytes(done) + (total >= 0 ? " of " + bytes(total) : "");
        String pct = total > 0 ? String.format(Locale.ROOT, " %3d%%", Math.min(100, done * 100 / total)) : "";
        String rate = keys
                ? String.format(Locale.ROOT, "%.0f keys/s", done / seconds)
                : bytes((long) (done / seconds)) + "/s";
        String line = String.format(Locale.ROOT, "%-48s %s%s  %s", step, amount, pct, rate);
        if (terminal) {
            out.print("\r" + line + (finished ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        int exp = (int) (Math.log(n) / Math.log(1024));
        return String.format(Locale.ROOT, "%.1f %siB", n / Math.pow(1024, exp), "KMGTPE".charAt(exp - 1));
    }
}
