package io.gatehouse.cli;

import java.io.PrintWriter;

/**
 * Progress of long work on stderr (stdout keeps the result, so {@code --output json} stays parseable):
 * a bar-like line redrawn in place with counts and rate on a terminal, plain lines every few seconds
 * otherwise (logs, CI), and a last line at the end.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String what;
    private final String[] names;
    private final boolean tty;
    private final long start = System.nanoTime();
    private final long everyNanos;
    private long last;
    private long[] counts;

    private Progress(PrintWriter err, String what, boolean tty, String... names) {
        this.err = err;
        this.what = what;
        this.tty = tty;
        this.names = names;
        this.everyNanos = tty ? 200_000_000L : 5_000_000_000L;
        this.counts = new long[names.length];
        this.last = start;
    }

    static Progress start(Cli cli, String what, String... names) {
        // System.console() is non-null only when stdin and stdout are a terminal.
        return new Progress(cli.err(), what, System.console() != null && cli.interactive(), names);
    }

    /** New totals (in the order of the names); drawn when due. */
    void update(long... totals) {
        this.counts = totals.clone();
        long now = System.nanoTime();
        if (now - last >= everyNanos) {
            last = now;
            draw(false);
        }
    }

    private void draw(boolean end) {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        StringBuilder sb = new StringBuilder(what).append(": ");
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("%,d %s", counts[i], names[i]));
        }
        sb.append(
                String.format(" (%,.0f %s/s, %.1fs)", counts.length == 0 ? 0 : counts[0] / seconds, names[0], seconds));
        if (tty) {
            int spin = (int) (seconds * 5) % 20;
            String bar = "[" + " ".repeat(spin) + "=" + " ".repeat(19 - spin) + "] ";
            err.print("\r" + (end ? "" : bar) + sb + (end ? "\n" : ""));
        } else {
            err.println(sb);
        }
        err.flush();
    }

    @Override
    public void close() {
        if (tty || System.nanoTime() - start >= everyNanos) {
            draw(true);
        }
    }
}
