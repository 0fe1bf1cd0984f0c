package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every Lua script the library ships on the 3-master Cluster. Each script's header carries an
 * {@code -- Example:} line ({@code -- Example: KEYS k1 k2 ARGV a1 a2}); a script whose keys do not share
 * a slot fails here with CROSSSLOT (and, earlier, with {@link KeySpace#requireSameSlot}). The cluster
 * contract tests exercise the same scripts with the keys the stores really build.
 */
class ClusterScriptsIntegrationTest {

    @Test
    void everyScriptRunsOnCluster() throws Exception {
        List<Path> scripts = allScripts();
        RedisConnector cluster = Backend.CLUSTER.connector();
        Backend.CLUSTER.flush();
        List<String> ran = new ArrayList<>();
        for (Path file : scripts) {
            String body = Files.readString(file);
            String example = body.lines()
                    .filter(l -> l.startsWith("-- Example:"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError(file + " has no '-- Example: KEYS ... ARGV ...' header line"));
            List<String> words = Arrays.asList(
                    example.substring("-- Example:".length()).trim().split("\\s+"));
            int argvAt = words.indexOf("ARGV");
            List<String> keys = words.subList(1, argvAt < 0 ? words.size() : argvAt);
            String[] args = argvAt < 0
                    ? new String[0]
                    : words.subList(argvAt + 1, words.size()).toArray(new String[0]);
            assertThat(words.get(0)).as(file + " example starts with KEYS").isEqualTo("KEYS");
            RedisScript script = RedisScript.of(file.getFileName().toString(), body, RedisScript.Reply.MULTI);
            cluster.eval(script, keys, args);
            ran.add(file.getFileName().toString());
        }
        System.out.println("scripts run on the cluster: " + ran);
        assertThat(ran).hasSameSizeAs(scripts);
    }

    /** Every .lua resource of the core library (its compiled resources directory). */
    static List<Path> allScripts() throws IOException, URISyntaxException {
        Path classes = Path.of(RedisConnector.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(p -> p.toString().endsWith(".lua")).sorted().toList();
        }
    }
}
