package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cache.Cache;
import io.gatehouse.cache.Caches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse cache}: invalidation by key and by group, seen by every instance. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Invalidate cache entries by key or group; every instance drops its near copy too.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse cache invalidate profiles 6f1c...-user-id",
            "  gatehouse cache invalidate-group products catalog"
        })
final class CacheCommand {
    @ParentCommand
    Main main;

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

    /** The cache of that name: the one this process made already, else a handle typed as JSON (values are not read). */
    private static Cache<?> cache(Caches caches, String name) {
        return caches.named(name).orElseGet(() -> caches.cache(name, JsonNode.class));
    }
}
