package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.account.Accounts;
import io.gatehouse.token.RevocationKind;
import io.gatehouse.token.RevocationStats;
import io.gatehouse.token.TokenService;
import io.gatehouse.user.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse tokens}: revocation by id, session, family or user, a raw token from stdin, statistics. */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        description = "Revoke tokens and show the revocation list.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse tokens revoke --jti 01J9Z... --reason 'leaked in a ticket'",
            "  gatehouse tokens revoke --user ann@example.com --reason 'account takeover'",
            "  pbpaste | gatehouse tokens revoke-token - --reason 'pasted in chat'",
            "  gatehouse tokens stats"
        })
final class TokensCommand {
    @ParentCommand
    Main main;

    /** Exactly one of these. */
    static final class Target {
        @Option(names = "--jti", paramLabel = "JTI", required = true, description = "One token, by its id.")
        String jti;

        @Option(
                names = "--session",
                paramLabel = "SESSION_HANDLE",
                required = true,
                description = "Every token of a session, by its handle (the tokens' sid).")
        String session;

        @Option(names = "--family", paramLabel = "FAMILY_ID", required = true, description = "A refresh-token family.")
        String family;

        @Option(
                names = "--user",
                paramLabel = "USER",
                required = true,
                description = "Every token of a user, and every session ended (like the admin API).")
        String user;
    }

    @Command(
            name = "revoke",
            description = "Revokes tokens; servers refuse them within the revocation propagation time.")
    int revoke(
            @ArgGroup(exclusive = true, multiplicity = "1") Target target,
            @Option(
                            names = "--reason",
                            required = true,
                            paramLabel = "TEXT",
                            description = "Recorded with the revocation.")
                    String reason) {
        Cli cli = main.cli();
        TokenService tokens = cli.gatehouse().tokens();
        Instant until = cli.gatehouse().clock().instant().plus(tokens.tokenLifetimeBound());
        Map<String, Object> result;
        if (target.jti != null) {
            tokens.revokeToken(target.jti, until, reason);
            result = map("kind", "token", "id", target.jti);
        } else if (target.session != null) {
            tokens.revokeSession(target.session, reason, until);
            result = map("kind", "session", "id", target.session);
        } else if (target.family != null) {
            tokens.revokeFamily(target.family, reason);
            result = map("kind", "family", "id", target.family);
        } else {
            User u = cli.user(target.user);
            Accounts.Revoked r = cli.gatehouse().accounts().revokeUser(u.id(), reason, cli.actor());
            result =
                    map("kind", "user", "id", u.id(), "not_before", r.notBefore(), "sessions_ended", r.sessionsEnded());
        }
        result.put("reason", reason);
        cli.output().done("revoked " + result.get("kind") + " " + result.get("id"), result);
        return ExitCode.OK;
    }

    @Command(
            name = "revoke-token",
            description = "Revokes the token read from standard input (never from the command line, "
                    + "where it would stay in the shell history and the process list).")
    int revokeToken(
            @Parameters(paramLabel = "STDIN", description = "Must be '-': the token comes from stdin.") String dash,
            @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason)
            throws IOException {
        if (!"-".equals(dash)) {
            throw CliException.usage("give '-' and pass the token on stdin, never on the command line");
        }
        Cli cli = main.cli();
        String token = new String(cli.in().readNBytes(64 * 1024), StandardCharsets.US_ASCII).strip();
        if (token.isEmpty()) {
            throw CliException.usage("no token on stdin");
        }
        if (!cli.gatehouse().tokens().revoke(token, reason)) {
            throw CliException.notFound(
                    "stdin does not hold a token of this deployment (bad signature, or not a token)");
        }
        cli.output().done("revoked the token from stdin", map("revoked", true, "reason", reason));
        return ExitCode.OK;
    }

    @Command(name = "stats", description = "Revocation entries by kind, the oldest, and the revocation link's health.")
    int stats() {
        Cli cli = main.cli();
        RevocationStats s = cli.gatehouse().tokens().revocationStats();
        Map<String, Object> byKind = new LinkedHashMap<>();
        for (RevocationKind k : RevocationKind.values()) {
            byKind.put(k.name().toLowerCase(java.util.Locale.ROOT), s.counts().getOrDefault(k, 0L));
        }
        cli.output()
                .fields(map(
                        "revocations",
                        s.total(),
                        "by_kind",
                        byKind,
                        "oldest",
                        s.oldest().map(r -> r.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + r.at()),
                        "active_key",
                        cli.gatehouse().tokens().activeKeyId()));
        return ExitCode.OK;
    }
}
