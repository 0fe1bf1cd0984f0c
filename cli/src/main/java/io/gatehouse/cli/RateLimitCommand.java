package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RatePolicy;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse ratelimit}: the configured policies, one subject's state, reset. */
@Command(
        name = "ratelimit",
        mixinStandardHelpOptions = true,
        description = "Rate-limit policies (gatehouse.ratelimit.*), a subject's remaining allowance, reset.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse ratelimit policies",
            "  gatehouse ratelimit status login-ip 203.0.113.7",
            "  gatehouse ratelimit reset login-ip 203.0.113.7"
        })
final class RateLimitCommand {
    @ParentCommand
    Main main;

    @Command(name = "policies", description = "Every configured policy.")
    int policies() {
        Cli cli = main.cli();
        List<Map<String, Object>> rows = cli.gatehouse().policies().all().stream()
                .map(p -> map(
                        "name",
                        p.name(),
                        "limit",
                        p.limit().toString(),
                        "on_store_down",
                        p.onStoreDown().name().toLowerCase(java.util.Locale.ROOT)))
                .toList();
        cli.output().rows(rows, "name", "limit", "on_store_down");
        return ExitCode.OK;
    }

    @Command(name = "status", description = "What the next request of SUBJECT would get, without counting it.")
    int status(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "SUBJECT") String subject) {
        Cli cli = main.cli();
        Decision d = cli.gatehouse().rateLimiter().peek(policy(cli, policy), subject);
        cli.output()
                .fields(map(
                        "policy",
                        d.policy(),
                        "subject",
                        subject,
                        "allowed",
                        d.allowed(),
                        "limit",
                        d.limit(),
                        "remaining",
                        d.remaining(),
                        "retry_after_s",
                        d.retryAfterSeconds(),
                        "reset_after_s",
                        d.resetAfterSeconds()));
        return ExitCode.OK;
    }

    @Command(name = "reset", description = "Gives SUBJECT its whole allowance back.")
    int reset(@Parameters(paramLabel = "POLICY") String policy, @Parameters(paramLabel = "SUBJECT") String subject) {
        Cli cli = main.cli();
        cli.gatehouse().rateLimiter().reset(policy(cli, policy), subject);
        cli.output()
                .done("reset " + policy + " for " + subject, map("policy", policy, "subject", subject, "reset", true));
        return ExitCode.OK;
    }

    private static RatePolicy policy(Cli cli, String name) {
        try {
            return cli.gatehouse().policies().policy(name);
        } catch (IllegalArgumentException e) {
            throw CliException.notFound("no rate-limit policy " + name + " (see: gatehouse ratelimit policies)");
        }
    }
}
