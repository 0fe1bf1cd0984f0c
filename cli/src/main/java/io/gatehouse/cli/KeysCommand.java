package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.token.KeyRetirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse keys}: the signing keys (public halves only) and rotation. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description =
                "List the token-signing keys, rotate to a new one (every instance picks it up), retire an old one.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse keys list",
            "  gatehouse keys rotate",
            "  gatehouse keys retire 8c1f0a2e   # refused while tokens it signed may be valid",
            "  gatehouse keys rotate && gatehouse keys retire 8c1f0a2e --force   # a compromised key"
        })
final class KeysCommand {
    @ParentCommand
    Main main;

    @Command(name = "list", description = "The published keys (the JWKS): kid, algorithm, use, which one signs.")
    int list() throws Exception {
        Cli cli = main.cli();
        String active = cli.gatehouse().tokens().activeKeyId();
        JsonNode jwks = new ObjectMapper().readTree(cli.gatehouse().tokens().jwks());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode k : jwks.path("keys")) {
            String kid = k.path("kid").asText();
            rows.add(map(
                    "kid",
                    kid,
                    "alg",
                    k.path("alg").asText(),
                    "kty",
                    k.path("kty").asText(),
                    "use",
                    k.path("use").asText(),
                    "active",
                    kid.equals(active)));
        }
        cli.output().rows(rows, "kid", "alg", "kty", "use", "active");
        return ExitCode.OK;
    }

    @Command(
            name = "rotate",
            description = "Creates a new signing key; the old ones keep verifying until their tokens expire. "
                    + "Recorded as the security event admin_action rotate_signing_key.")
    int rotate() {
        Cli cli = main.cli();
        String kid = cli.gatehouse().accounts().rotateSigningKey(cli.actor());
        cli.output().done("new signing key " + kid, map("active", kid));
        return ExitCode.OK;
    }

    @Command(
            name = "retire",
            description = "Removes a key that no longer signs from the key set and the JWKS now. Refused for the "
                    + "active key, and while tokens it signed may still be valid unless --force: those access "
                    + "tokens (and JWT refresh tokens) are then refused, here at once and by every instance "
                    + "from its next key reload; opaque refresh tokens keep working. Exit 1 when refused. Recorded as the security event "
                    + "admin_action retire_signing_key (not when refused).")
    int retire(
            @Parameters(paramLabel = "KID") String kid,
            @Option(
                            names = "--force",
                            description = "Retire even though tokens it signed may still be valid (they stop working).")
                    boolean force) {
        Cli cli = main.cli();
        KeyRetirement r = cli.gatehouse().accounts().retireSigningKey(kid, force, cli.actor());
        String until = r.lastExpiry().map(Object::toString).orElse("");
        switch (r.outcome()) {
            case UNKNOWN -> throw CliException.notFound("no key " + kid + " (see keys list)");
            case ACTIVE ->
                throw CliException.notFound("refused: " + kid + " is the active signing key; run keys rotate first");
            case TOKENS_MAY_BE_VALID ->
                throw CliException.notFound("refused: tokens signed by " + kid + " may be valid until " + until
                        + "; --force retires it now and those tokens stop working");
            case RETIRED -> {
                boolean early = r.lastExpiry()
                        .map(t -> t.isAfter(cli.gatehouse().clock().instant()))
                        .orElse(false);
                cli.output()
                        .done(
                                "retired key " + kid
                                        + (early
                                                ? ": tokens it signed (valid until " + until
                                                        + ") are refused from now on, by other instances from their "
                                                        + "next key reload"
                                                : ": every token it signed had expired"),
                                map("kid", kid, "retired", true, "forced", early, "tokens_valid_until", until));
            }
        }
        return ExitCode.OK;
    }
}
