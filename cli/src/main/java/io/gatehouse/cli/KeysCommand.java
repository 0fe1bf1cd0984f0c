package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse keys}: the signing keys (public halves only) and rotation. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "List the token-signing keys and rotate to a new one (every instance picks it up).",
        footerHeading = "%nExamples:%n",
        footer = {"  gatehouse keys list", "  gatehouse keys rotate"})
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
            description = "Creates a new signing key; the old ones keep verifying until their tokens expire.")
    int rotate() {
        Cli cli = main.cli();
        String kid = cli.gatehouse().tokens().rotateKeys();
        cli.output().done("new signing key " + kid, map("active", kid));
        return ExitCode.OK;
    }
}
