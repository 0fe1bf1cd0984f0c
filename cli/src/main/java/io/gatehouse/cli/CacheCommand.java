package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cache.Cache;
import io.gatehouse.cache.CacheStats;
import io.gatehouse.cache.CacheUsage;
import io.gatehouse.cache.CacheWarmer;
import io.gatehouse.cache.Caches;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse cache}: what the caches hold, warming, clearing, invalidation by key and by group. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "What the caches hold, run their warmers, clear one, invalidate entries by key or group; "
                + "every instance drops its near copies too.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse cache stats",
            "  gatehouse cache stats users --sample 200 -o json",
            "  gatehouse cache warm users",
            "  gatehouse cache clear users --yes",
            "  gatehouse cache invalidate users 6f1c...-user-id",
            "  gatehouse cache invalidate-group products catalog"
        })
final class CacheCommand {
    @ParentCommand
    Main main;

    @Command(
            name = "stats",
            description = "Per cache: entries and group generations stored, their memory (SCAN + MEMORY USAGE of "
                    + "--sample entries; never KEYS), and the cache Redis's keyspace hit ratio (all of that Redis: "
                    + "each instance's own per-cache counters are at its /health/cache and metrics).")
    int stats(
            @Parameters(paramLabel = "NAME", arity = "0..1", description = "One cache (default: every cache stored).")
                    Optional<String> name,
            @Option(names = "--sample", defaultValue = "50", description = "Entries measured per cache (default 50).")
                    int sample) {
        Cli cli = main.cli();
        Caches caches = cli.gatehouse().caches();
        if (sample < 0) {
            throw CliException.usage("--sample must be 0 or more");
        }
        SortedSet<String> names = new TreeSet<>();
        if (name.isPresent()) {
            names.add(checked(name.get()));
        } else {
            names.addAll(caches.storedNames());
            names.addAll(caches.stats().keySet());
        }
        Map<String, CacheStats> here = caches.stats();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String n : names) {
            CacheUsage u = caches.usage(n, sample);
            CacheStats s = here.get(n);
            rows.add(map(
                    "cache",
                    n,
                    "entries",
                    u.entries(),
                    "groups",
                    u.groups(),
                    "sampled",
                    u.sampled(),
                    "bytes_estimated",
                    u.bytesEstimated(),
                    "warmers",
                    caches.warmers(n).size(),
                    "hits_this_process",
                    s == null ? 0 : s.hits() + s.nearHits(),
                    "misses_this_process",
                    s == null ? 0 : s.misses()));
        }
        Optional<Double> ratio = keyspaceHitRatio(cli);
        Output out = cli.output();
        if (out.json()) {
            out.fields(map("store", caches.store(), "redis_keyspace_hit_ratio", ratio.orElse(null), "caches", rows));
        } else {
            out.rows(rows, "cache", "entries", "groups", "sampled", "bytes_estimated", "warmers");
            cli.out()
                    .println("store " + caches.store() + ", keyspace hit ratio "
                            + ratio.map(r -> String.format(java.util.Locale.ROOT, "%.3f", r))
                                    .orElse("- (in memory)"));
        }
        return ExitCode.OK;
    }

    @Command(
            name = "warm",
            description = "Runs the cache's configured warmers now (users: the profiles of the first "
                    + "gatehouse.cache.users.warm-limit users, default 10000). Exit 1 when the cache has none here.")
    int warm(@Parameters(paramLabel = "NAME") String name) {
        Cli cli = main.cli();
        Caches caches = cli.gatehouse().caches();
        List<CacheWarmer> warmers = caches.warmers(checked(name));
        if (warmers.isEmpty()) {
            throw CliException.notFound("cache " + name + " has no warmer in the CLI (warmers are code: an "
                    + "application's own caches are warmed by the application)");
        }
        long written = 0;
        List<Map<String, Object>> runs = new ArrayList<>();
        try (Progress progress = Progress.start(cli, "cache warm " + name, "warmers", "entries")) {
            for (CacheWarmer w : warmers) {
                int n = w.runNow();
                written += n;
                runs.add(map("warmer", w.name(), "entries", n));
                progress.update(runs.size(), written);
            }
        }
        cli.output()
                .done(
                        "warmed " + name + ": " + written + " entries written by " + warmers.size() + " warmer(s)",
                        map("cache", name, "entries_written", written, "warmers", runs));
        return ExitCode.OK;
    }

    @Command(
            name = "clear",
            description = "Removes every entry of the cache (SCAN over every master, one UNLINK per key: "
                    + "Cluster-safe); every instance drops its near copies. Asks for confirmation unless --yes.")
    int clear(
            @Parameters(paramLabel = "NAME") String name,
            @Option(names = "--yes", description = "Do not ask for confirmation (scripts).") boolean yes) {
        Cli cli = main.cli();
        Caches caches = cli.gatehouse().caches();
        checked(name);
        if (!yes && !confirmed(cli, name, caches.usage(name, 0).entries())) {
            throw CliException.usage("not confirmed: nothing cleared (--yes skips the question)");
        }
        long removed = caches.clear(name);
        cli.output()
                .done("cleared " + name + ": " + removed + " entries removed", map("cache", name, "removed", removed));
        return ExitCode.OK;
    }

    @Command(name = "invalidate", description = "Removes one entry (the next read loads it again).")
    int invalidate(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "KEY") String key) {
        Cli cli = main.cli();
        cache(cli.gatehouse().caches(), name).delete(key);
        cli.output().done("invalidated " + name + " " + key, map("cache", name, "key", key, "invalidated", true));
        return ExitCode.OK;
    }

    @Command(name = "invalidate-group", description = "Invalidates every entry written with GROUP, at once.")
    int invalidateGroup(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "GROUP") String group) {
        Cli cli = main.cli();
        cache(cli.gatehouse().caches(), name).invalidateGroup(group);
        cli.output()
                .done(
                        "invalidated group " + group + " of " + name,
                        map("cache", name, "group", group, "invalidated", true));
        return ExitCode.OK;
    }

    /** The operator types the cache's name (or y) on stdin; anything else, or end of input, is a no. */
    private static boolean confirmed(Cli cli, String name, long entries) {
        cli.err().print("Remove all " + entries + " entries of cache " + name + " on every instance? [y/N] ");
        cli.err().flush();
        try {
            String line = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
            String answer = line == null ? "" : line.strip();
            return answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes") || answer.equals(name);
        } catch (IOException e) {
            return false;
        }
    }

    private static String checked(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
            throw CliException.usage("NAME '" + name + "' is not a cache name (a-z, 0-9, '_', '.', '-')");
        }
        return name;
    }

    /** {@code keyspace_hits / (hits + misses)} of the cache purpose's Redis (INFO stats); empty in memory. */
    private static Optional<Double> keyspaceHitRatio(Cli cli) {
        return cli.gatehouse().stores().keyspaceHitRatio(io.gatehouse.config.Purpose.CACHE);
    }

    /** The cache of that name: the one this process made already, else a handle typed as JSON (values are not read). */
    private static Cache<?> cache(Caches caches, String name) {
        return caches.named(name).orElseGet(() -> caches.cache(name, JsonNode.class));
    }
}
