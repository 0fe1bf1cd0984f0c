package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.session.CleanupBatch;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionCleanup;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.user.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse sessions}: live sessions, ending them (their tokens stop working), cleanup. */
@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = "List and end sessions (ending a session revokes its tokens); remove expired sessions now.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse sessions list ann@example.com",
            "  gatehouse sessions end AAAAAAAAAAAAAAAAAAAAAA.ann-id",
            "  gatehouse sessions end-all ann@example.com --except AAAAAAAAAAAAAAAAAAAAAA.ann-id",
            "  gatehouse sessions cleanup --dry-run",
            "  gatehouse sessions cleanup --batch 1000"
        })
final class SessionsCommand {
    @ParentCommand
    Main main;

    @Command(name = "list", description = "The user's live sessions, oldest first.")
    int list(@Parameters(paramLabel = "USER") String user) {
        Cli cli = main.cli();
        User u = cli.user(user);
        List<Map<String, Object>> rows = cli.gatehouse().sessions().list(u.id()).stream()
                .map(SessionsCommand::row)
                .toList();
        cli.output().rows(rows, "id", "created_at", "last_seen_at", "expires_at", "ip", "device", "user_agent");
        return ExitCode.OK;
    }

    @Command(
            name = "end",
            description = "Ends one session, named by its handle (the id column of 'sessions list', the sid of its"
                    + " tokens); its access and refresh tokens are refused from now on.")
    int end(@Parameters(paramLabel = "SESSION_HANDLE") String handle) {
        Cli cli = main.cli();
        Optional<Session> s;
        try {
            s = cli.gatehouse().sessions().getByHandle(handle);
        } catch (SessionInputException e) {
            throw CliException.usage("SESSION_HANDLE " + e.getMessage());
        }
        if (s.isEmpty() || !cli.gatehouse().accounts().endSession(s.get().userId(), handle, cli.actor())) {
            throw CliException.notFound("no live session " + handle);
        }
        cli.output()
                .done(
                        "ended session " + handle,
                        map("session", handle, "user", s.get().userId(), "ended", true));
        return ExitCode.OK;
    }

    @Command(name = "end-all", description = "Ends every session of the user, or every one but --except.")
    int endAll(
            @Parameters(paramLabel = "USER") String user,
            @Option(names = "--except", paramLabel = "SESSION_HANDLE", description = "A session to keep, by handle.")
                    Optional<String> except) {
        Cli cli = main.cli();
        User u = cli.user(user);
        List<String> ended;
        try {
            ended = cli.gatehouse().accounts().endSessions(u.id(), except, cli.actor());
        } catch (IllegalArgumentException e) {
            throw CliException.notFound("--except " + except.orElse("") + ": " + e.getMessage());
        }
        cli.output()
                .done(
                        "ended " + ended.size() + " session(s) of " + u.email(),
                        map("user", u.id(), "sessions_ended", ended.size(), "sessions", ended));
        return ExitCode.OK;
    }

    @Command(
            name = "cleanup",
            description =
                    "Removes expired sessions and trust records of every user now, batch by batch "
                            + "(SCAN over every master). Ctrl-C stops after the current batch; running it again starts a new pass.")
    int cleanup(
            @Option(names = "--batch", defaultValue = "1000", description = "Users per batch, 1..10000 (default 1000).")
                    int batch,
            @Option(names = "--dry-run", description = "Only count what would be removed.") boolean dryRun) {
        Cli cli = main.cli();
        SessionCleanup pass;
        try {
            pass = cli.gatehouse().sessions().cleanup(batch, dryRun);
        } catch (SessionInputException e) {
            throw CliException.usage("--batch: " + e.getMessage());
        }
        long users = 0;
        long removed = 0;
        boolean done;
        try (Progress progress = Progress.start(cli, "sessions cleanup", "users", "removed");
                Interrupts stop = Interrupts.install()) {
            CleanupBatch b;
            do {
                b = pass.next();
                users += b.usersVisited();
                removed += b.entriesRemoved();
                progress.update(users, removed);
            } while (!b.done() && !stop.requested());
            done = b.done();
        }
        cli.output()
                .done(
                        (dryRun ? "dry run, nothing removed: " : "")
                                + (done ? "cleanup done: " : "cleanup interrupted after a whole batch: ") + users
                                + " user(s) visited, " + removed + " expired entries "
                                + (dryRun ? "to remove" : "removed"),
                        map(
                                "users_visited",
                                users,
                                "entries_removed",
                                dryRun ? 0 : removed,
                                "entries_expired",
                                removed,
                                "dry_run",
                                dryRun,
                                "complete",
                                done));
        return ExitCode.OK;
    }

    static Map<String, Object> row(Session s) {
        return map(
                "id",
                s.handle(), // the handle (the sid of its tokens): the secret session id is never shown
                "user",
                s.userId(),
                "created_at",
                s.createdAt(),
                "last_seen_at",
                s.lastSeenAt(),
                "expires_at",
                s.expiresAt(),
                "ip",
                s.ip(),
                "device",
                s.deviceId(),
                "user_agent",
                s.userAgent());
    }
}
