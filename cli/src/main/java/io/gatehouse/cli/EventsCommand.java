package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.event.EventPage;
import io.gatehouse.event.EventQuery;
import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.event.SecurityEvents;
import io.gatehouse.event.Severity;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse events}: the security-event log: query, streaming export, tail. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "Query, export (streaming, JSON lines or CSV) and follow the security-event log.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse events query --user ann@example.com --since 7d",
            "  gatehouse events query --type login_failure --severity warning --limit 20",
            "  gatehouse events export --since 2026-11-01 --until 2026-12-01 --format csv --file november.csv",
            "  gatehouse events tail --output json"
        })
final class EventsCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CSV_COLUMNS = {
        "id", "time", "type", "severity", "user", "session", "ip", "user_agent", "reason", "details"
    };

    @ParentCommand
    Main main;

    @Command(name = "query", description = "Matching events, newest first.")
    int query(
            @Option(names = "--user", paramLabel = "USER", description = "An email or a user id.")
                    Optional<String> user,
            @Option(
                            names = "--type",
                            paramLabel = "TYPE",
                            split = ",",
                            description = "Event types, e.g. login_failure,logout.")
                    List<String> types,
            @Option(names = "--severity", paramLabel = "MIN", description = "info, warning or critical: at least this.")
                    Optional<String> severity,
            @Option(names = "--since", paramLabel = "TIME") Optional<String> since,
            @Option(names = "--until", paramLabel = "TIME") Optional<String> until,
            @Option(names = "--limit", defaultValue = "100", description = "1..1000 (default 100).") int limit) {
        Cli cli = main.cli();
        EventQuery.Builder q = filter(cli, user, types, severity, since, until);
        if (limit < 1 || limit > EventQuery.MAX_LIMIT) {
            throw CliException.usage("--limit must be 1.." + EventQuery.MAX_LIMIT);
        }
        EventPage page = cli.gatehouse().events().query(q.limit(limit).build());
        cli.output()
                .rows(
                        page.events().stream().map(EventsCommand::row).toList(),
                        "time",
                        "type",
                        "severity",
                        "user",
                        "ip",
                        "reason",
                        "details");
        return ExitCode.OK;
    }

    @Command(
            name = "export",
            description = "Every event in [--since, --until), oldest first, streamed to --file or stdout: "
                    + "a month of events never sits in memory. Ctrl-C stops and removes the partial --file.")
    int export(
            @Option(names = "--since", required = true, paramLabel = "TIME") String since,
            @Option(names = "--until", paramLabel = "TIME", description = "Default: now.") Optional<String> until,
            @Option(
                            names = "--format",
                            defaultValue = "jsonl",
                            paramLabel = "FORMAT",
                            description = "jsonl (default) or csv.")
                    String format,
            @Option(names = "--file", paramLabel = "FILE", description = "Default: stdout.") Optional<Path> file)
            throws IOException {
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw CliException.usage("--format must be jsonl or csv");
        }
        Cli cli = main.cli();
        Instant now = cli.gatehouse().clock().instant();
        Instant from = Times.parse("--since", since, now);
        Instant to = until.map(u -> Times.parse("--until", u, now)).orElse(now);
        // Written to a temporary file beside the target and moved in at the end: an interrupted export
        // leaves no half file under the real name.
        Path tmp = file.map(f -> f.toAbsolutePath().resolveSibling(f.getFileName() + ".partial"))
                .orElse(null);
        OutputStream target = tmp != null
                ? new BufferedOutputStream(Files.newOutputStream(tmp))
                : new NonClosing(new java.io.PrintStream(new WriterStream(cli.out()), false, StandardCharsets.UTF_8));
        long written;
        try (Progress progress = Progress.start(cli, "events export", "events");
                Lines lines = new Lines(target, format.equals("csv"), progress)) {
            written = cli.gatehouse().events().export(from, to, lines);
        } catch (RuntimeException | IOException e) {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
            throw e;
        }
        if (tmp != null) {
            Files.move(tmp, file.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            cli.err().println("exported " + written + " event(s) to " + file.get());
        }
        return ExitCode.OK;
    }

    @Command(name = "tail", description = "Prints new events as they are stored, until interrupted (or --count).")
    int tail(
            @Option(names = "--user", paramLabel = "USER") Optional<String> user,
            @Option(names = "--type", paramLabel = "TYPE", split = ",") List<String> types,
            @Option(names = "--severity", paramLabel = "MIN") Optional<String> severity,
            @Option(
                            names = "--interval",
                            defaultValue = "1000",
                            paramLabel = "MS",
                            description = "Poll interval (default 1000 ms).")
                    long interval,
            @Option(
                            names = "--count",
                            defaultValue = "0",
                            description = "Stop after this many events (default: never).")
                    long count)
            throws InterruptedException {
        Cli cli = main.cli();
        SecurityEvents events = cli.gatehouse().events();
        Instant from = cli.gatehouse().clock().instant();
        Set<String> seenAtFrom = new HashSet<>();
        long printed = 0;
        try (Interrupts stop = Interrupts.install()) {
            while (!stop.requested() && (count == 0 || printed < count)) {
                EventPage page = events.query(filter(cli, user, types, severity, Optional.empty(), Optional.empty())
                        .from(from)
                        .limit(EventQuery.MAX_LIMIT)
                        .build());
                List<SecurityEvent> fresh = new ArrayList<>(page.events());
                java.util.Collections.reverse(fresh);
                for (SecurityEvent e : fresh) {
                    if (seenAtFrom.contains(e.id()) || (count > 0 && printed >= count)) {
                        continue;
                    }
                    if (e.time().isAfter(from)) {
                        from = e.time();
                        seenAtFrom.clear();
                    }
                    seenAtFrom.add(e.id());
                    Map<String, Object> row = row(e);
                    cli.output()
                            .item(
                                    e.time() + "  " + e.type().code() + "  " + Output.text(row.get("severity"))
                                            + "  user=" + Output.text(row.get("user")) + "  ip="
                                            + Output.text(row.get("ip")) + "  " + Output.text(row.get("reason")),
                                    row);
                    printed++;
                }
                cli.out().flush();
                if (count == 0 || printed < count) {
                    Thread.sleep(interval);
                }
            }
        }
        return ExitCode.OK;
    }

    private static EventQuery.Builder filter(
            Cli cli,
            Optional<String> user,
            List<String> types,
            Optional<String> severity,
            Optional<String> since,
            Optional<String> until) {
        EventQuery.Builder q = EventQuery.builder();
        Instant now = cli.gatehouse().clock().instant();
        user.ifPresent(u -> q.user(u.indexOf('@') >= 0 ? cli.user(u).id() : u));
        if (types != null && !types.isEmpty()) {
            List<EventType> t = new ArrayList<>();
            for (String code : types) {
                try {
                    t.add(EventType.of(code));
                } catch (io.gatehouse.error.InvalidInputException e) {
                    throw CliException.usage("--type " + code + " is not an event type");
                }
            }
            q.types(t.toArray(EventType[]::new));
        }
        severity.ifPresent(s -> {
            try {
                q.minSeverity(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--severity must be info, warning or critical");
            }
        });
        since.ifPresent(s -> q.from(Times.parse("--since", s, now)));
        until.ifPresent(u -> q.to(Times.parse("--until", u, now)));
        return q;
    }

    static Map<String, Object> row(SecurityEvent e) {
        return map(
                "id",
                e.id(),
                "time",
                e.time(),
                "type",
                e.type().code(),
                "severity",
                e.severity().name().toLowerCase(Locale.ROOT),
                "user",
                e.user(),
                "session",
                e.session(),
                "ip",
                e.ip(),
                "user_agent",
                e.userAgent(),
                "reason",
                e.reason(),
                "details",
                e.details());
    }

    /** Cuts the export's JSON lines apart: counts them for the progress line, and turns them into CSV rows when asked. */
    private static final class Lines extends OutputStream {
        private final OutputStream target;
        private final boolean csv;
        private final Progress progress;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        private long count;

        Lines(OutputStream target, boolean csv, Progress progress) throws IOException {
            this.target = target;
            this.csv = csv;
            this.progress = progress;
            if (csv) {
                target.write((String.join(",", CSV_COLUMNS) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                endLine();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void endLine() throws IOException {
            if (csv) {
                JsonNode n = JSON.readTree(line.toByteArray());
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < CSV_COLUMNS.length; i++) {
                    JsonNode v = n.get(CSV_COLUMNS[i]);
                    sb.append(i == 0 ? "" : ",")
                            .append(v == null || v.isNull() ? "" : csvCell(v.isTextual() ? v.asText() : v.toString()));
                }
                target.write(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            } else {
                line.writeTo(target);
            }
            line.reset();
            progress.update(++count);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }
    }

    static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Stdout stays open after an export to it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Bytes to the CLI's writer (UTF-8 lines). */
    private static final class WriterStream extends OutputStream {
        private final java.io.PrintWriter writer;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        WriterStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.write(pending.toString(StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
        }
    }
}
