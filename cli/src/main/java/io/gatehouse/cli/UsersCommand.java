package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.account.Accounts;
import io.gatehouse.user.User;
import io.gatehouse.user.UserPage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse users}: the user database, through the same account actions as the admin API. */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = "List, show, suspend, reactivate users and set their roles. USER is an email or a user id.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse users list --query example.com --limit 20",
            "  gatehouse users show ann@example.com",
            "  gatehouse users suspend ann@example.com --reason 'stolen laptop'",
            "  gatehouse users roles ann@example.com user admin"
        })
final class UsersCommand {
    @ParentCommand
    Main main;

    @Command(name = "list", description = "Users whose email, name or id contains the query, in email order.")
    int list(
            @Option(names = "--query", defaultValue = "", description = "Text to look for (default: every user).")
                    String query,
            @Option(names = "--offset", defaultValue = "0", description = "Users to skip.") int offset,
            @Option(names = "--limit", defaultValue = "50", description = "Page size, 1..1000 (default 50).")
                    int limit) {
        Cli cli = main.cli();
        UserPage page = cli.gatehouse().users().search(query, offset, limit);
        Output out = cli.output();
        List<Map<String, Object>> rows =
                page.users().stream().map(UsersCommand::row).toList();
        if (out.json()) {
            out.fields(map(
                    "users",
                    rows,
                    "total",
                    page.total(),
                    "offset",
                    page.offset(),
                    "limit",
                    page.limit(),
                    "has_more",
                    page.hasMore()));
        } else {
            out.rows(rows, "id", "email", "status", "roles", "created_at");
            cli.out()
                    .printf(
                            "%d of %d%s%n",
                            page.users().size(),
                            page.total(),
                            page.hasMore() ? " (next page: --offset " + page.nextOffset() + ")" : "");
        }
        return ExitCode.OK;
    }

    @Command(name = "show", description = "One user, with the number of live sessions.")
    int show(@Parameters(paramLabel = "USER") String user) {
        Cli cli = main.cli();
        User u = cli.user(user);
        Map<String, Object> fields = row(u);
        fields.put("full_name", u.fullName());
        fields.put("password_changed_at", u.passwordChangedAt());
        fields.put("live_sessions", cli.gatehouse().sessions().list(u.id()).size());
        cli.output().fields(fields);
        return ExitCode.OK;
    }

    @Command(name = "suspend", description = "Refuses logins, revokes every token and ends every session at once.")
    int suspend(
            @Parameters(paramLabel = "USER") String user,
            @Option(
                            names = "--reason",
                            defaultValue = "suspended by an operator",
                            description = "Recorded in the event log.")
                    String reason) {
        Cli cli = main.cli();
        User u = cli.user(user);
        Accounts.Revoked r = cli.gatehouse().accounts().suspend(u.id(), reason, cli.actor());
        cli.output()
                .done(
                        "suspended " + u.email() + ": " + r.sessionsEnded() + " session(s) ended, tokens issued up to "
                                + r.notBefore() + " revoked",
                        map(
                                "user",
                                u.id(),
                                "email",
                                u.email(),
                                "status",
                                "suspended",
                                "sessions_ended",
                                r.sessionsEnded(),
                                "not_before",
                                r.notBefore()));
        return ExitCode.OK;
    }

    @Command(name = "reactivate", description = "Lets a suspended user log in again (revoked tokens stay revoked).")
    int reactivate(@Parameters(paramLabel = "USER") String user) {
        Cli cli = main.cli();
        User u = cli.user(user);
        cli.gatehouse().accounts().reactivate(u.id(), cli.actor());
        cli.output().done("reactivated " + u.email(), map("user", u.id(), "email", u.email(), "status", "active"));
        return ExitCode.OK;
    }

    @Command(name = "roles", description = "Replaces the user's roles (a removed role revokes the user's tokens).")
    int roles(
            @Parameters(paramLabel = "USER", index = "0") String user,
            @Parameters(
                            paramLabel = "ROLE",
                            index = "1..*",
                            arity = "0..*",
                            description = "The new roles; none to clear.")
                    List<String> roles) {
        Cli cli = main.cli();
        User u = cli.user(user);
        User after = cli.gatehouse()
                .accounts()
                .setRoles(u.id(), new LinkedHashSet<>(roles == null ? List.of() : roles), cli.actor());
        List<String> sorted = after.roles().stream().sorted().toList();
        cli.output()
                .done(
                        "roles of " + u.email() + ": " + (sorted.isEmpty() ? "(none)" : String.join(" ", sorted)),
                        map("user", u.id(), "email", u.email(), "roles", sorted));
        return ExitCode.OK;
    }

    static Map<String, Object> row(User u) {
        return map(
                "id",
                u.id(),
                "email",
                u.email(),
                "status",
                u.status().label(),
                "roles",
                u.roles().stream().sorted().toList(),
                "created_at",
                u.createdAt());
    }
}
