package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.testing.Backend;
import io.gatehouse.testkit.RedisNode;
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
            String body = RedisScript.withIncludes(Files.readString(file), included -> {
                try {
                    return Files.readString(file.resolveSibling(included));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
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

    /**
     * A single endpoint that refuses keys of several slots in one call, as a proxy in front of a Cluster
     * would: one Cluster master addressed as a plain server. A batch over keys of that master's slots is
     * refused with CROSSSLOT and sent again split by slot, once; the next batch goes by slot at once.
     */
    @Test
    void aBatchRefusedAsCrossSlotIsSentAgainBySlot() {
        Backend.CLUSTER.flush();
        RedisNode master = Backend.CLUSTER.deployment().masters().get(0);
        java.util.BitSet owned = ownedSlots(master.cli("CLUSTER", "NODES"));
        RedisScript each = RedisScript.of(
                "test/each",
                "for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end\n" + "return #KEYS",
                RedisScript.Reply.INTEGER);
        GatehouseConfig config = Backend.CLUSTER
                .configBuilder()
                .redisUrl("redis://" + master.host() + ":" + master.port())
                .build();
        try (RedisConnector plain =
                RedisConnector.connect(config.redis(Purpose.TOKENS).orElseThrow())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; keys.size() < 40; i++) {
                String key = plain.keys().key("test", "proxy" + i);
                if (owned.get(KeySpace.slot(key))) {
                    keys.add(key);
                }
            }
            long slots = keys.stream().mapToInt(KeySpace::slot).distinct().count();
            assertThat(slots).isGreaterThan(1);

            List<Long> first =
                    plain.connection().<Long>evalBatches(each, keys, 100).join();
            List<Long> second =
                    plain.connection().<Long>evalBatches(each, keys, 100).join();

            assertThat(first).hasSize((int) slots);
            assertThat(second).hasSize((int) slots);
            for (String key : keys) {
                assertThat(plain.<String>sync(c -> c.get(key))).as(key).isEqualTo("2");
            }
        }
    }

    /** The slots of the node whose CLUSTER NODES line says "myself". */
    private static java.util.BitSet ownedSlots(String clusterNodes) {
        java.util.BitSet slots = new java.util.BitSet(16384);
        String me = clusterNodes
                .lines()
                .filter(l -> l.contains("myself"))
                .findFirst()
                .orElseThrow();
        String[] f = me.trim().split("\\s+");
        for (int i = 8; i < f.length; i++) {
            if (f[i].startsWith("[")) {
                continue; // a slot being migrated
            }
            String[] range = f[i].split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            slots.set(from, to + 1);
        }
        return slots;
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
