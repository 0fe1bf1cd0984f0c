package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.ratelimit.ActiveLockout;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.user.EmailAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse lockout}: login brute-force lockouts: one account's status, unlock, every lockout now. */
@Command(
        name = "lockout",
        mixinStandardHelpOptions = true,
        description = "Login lockouts. ACCOUNT is the login name as typed at login (an email).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse lockout status ann@example.com --ip 203.0.113.7",
            "  gatehouse lockout unlock ann@example.com",
            "  gatehouse lockout unlock --ip 203.0.113.7",
            "  gatehouse lockout list"
        })
final class LockoutCommand {
    @ParentCommand
    Main main;

    @Command(
            name = "status",
            description = "The lockouts in force on ACCOUNT (and, with --ip, whether a login from IP "
                    + "would be refused now). Exit 1 when it is locked.")
    int status(
            @Parameters(paramLabel = "ACCOUNT") String typed,
            @Option(names = "--ip", paramLabel = "IP") Optional<String> ip) {
        Cli cli = main.cli();
        String account = subject(typed);
        List<Map<String, Object>> locks = cli.gatehouse().loginGuard().lockedNow(100_000).stream()
                .filter(l -> l.account().filter(account::equals).isPresent()
                        || (ip.isPresent() && l.ip().equals(ip) && l.account().isEmpty()))
                .map(LockoutCommand::row)
                .toList();
        Map<String, Object> out = map("account", account, "ip", ip);
        boolean locked = !locks.isEmpty();
        if (ip.isPresent()) {
            LockoutStatus s = cli.gatehouse().loginGuard().check(ip.get(), account);
            locked = s.locked();
            out.put("login_refused", s.locked());
            out.put("permanent", s.permanent());
            out.put("retry_after_s", s.retryAfterSeconds());
        }
        out.put("locked", locked);
        out.put("lockouts", locks);
        cli.output().fields(out);
        return locked ? ExitCode.NOT_FOUND : ExitCode.OK;
    }

    @Command(name = "unlock", description = "Lifts every lockout of ACCOUNT (from any address) and/or of --ip.")
    int unlock(
            @Parameters(paramLabel = "ACCOUNT", arity = "0..1") Optional<String> typed,
            @Option(names = "--ip", paramLabel = "IP") Optional<String> ip) {
        Optional<String> account = typed.map(LockoutCommand::subject);
        if (account.isEmpty() && ip.isEmpty()) {
            throw CliException.usage("give an ACCOUNT, --ip IP, or both");
        }
        Cli cli = main.cli();
        cli.gatehouse().accounts().unlock(account, ip, cli.actor());
        cli.output()
                .done(
                        "unlocked " + account.map(a -> "account " + a).orElse("")
                                + (account.isPresent() && ip.isPresent() ? " and " : "")
                                + ip.map(i -> "address " + i).orElse(""),
                        map("account", account, "ip", ip, "unlocked", true));
        return ExitCode.OK;
    }

    @Command(name = "list", description = "Every account and address locked now (from the index of lockouts in force).")
    int list(
            @Option(names = "--max", defaultValue = "1000", description = "At most this many (default 1000).")
                    int max) {
        Cli cli = main.cli();
        List<Map<String, Object>> rows = cli.gatehouse().loginGuard().lockedNow(max).stream()
                .map(LockoutCommand::row)
                .toList();
        cli.output().rows(rows, "dimension", "account", "ip", "permanent", "retry_after_s");
        return ExitCode.OK;
    }

    /** The login counts an email by its key (case and width folded), exactly as the server's login does. */
    static String subject(String account) {
        return account.indexOf('@') >= 0 ? EmailAddress.key(account) : account;
    }

    static Map<String, Object> row(ActiveLockout l) {
        return map(
                "dimension",
                l.dimension(),
                "account",
                l.account(),
                "ip",
                l.ip(),
                "permanent",
                l.permanent(),
                "retry_after_s",
                (l.retryAfter().toMillis() + 999) / 1000);
    }
}
