package io.gatehouse.cli;

import static io.gatehouse.cli.Output.map;

import io.gatehouse.Gatehouse;
import io.gatehouse.cache.CacheStats;
import io.gatehouse.event.EventCounts;
import io.gatehouse.event.Severity;
import io.gatehouse.token.RevocationKind;
import io.gatehouse.token.RevocationStats;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatehouse stats}: figures per capability, and per Redis target the keys and memory of each key
 * family ({@code <prefix>:<kind>}), counted with SCAN and sampled with MEMORY USAGE: offline tooling,
 * never KEYS.
 */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description =
                "Revocations by kind, events per severity (last 30 days), cache counters, lockouts, and per Redis "
                        + "target the keys and memory of each key family (SCAN + sampled MEMORY USAGE).",
        footerHeading = "%nExamples:%n",
        footer = {"  gatehouse stats", "  gatehouse stats --sample 200 --output json"})
final class StatsCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(
            names = "--sample",
            defaultValue = "50",
            description = "Keys per family measured with MEMORY USAGE (default 50).")
    int sample;

    @Override
    public Integer call() {
        Cli cli = main.cli();
        Gatehouse gh = cli.gatehouse();
        Map<String, Object> doc = new LinkedHashMap<>();
        RevocationStats r = gh.tokens().revocationStats();
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (RevocationKind k : RevocationKind.values()) {
            kinds.put(k.name().toLowerCase(Locale.ROOT), r.counts().getOrDefault(k, 0L));
        }
        doc.put(
                "tokens",
                map(
                        "revocations",
                        r.total(),
                        "by_kind",
                        kinds,
                        "active_key",
                        gh.tokens().activeKeyId()));
        LocalDate today = LocalDate.now(gh.clock().withZone(ZoneOffset.UTC));
        EventCounts counts = gh.events().counts(today.minusDays(29), today);
        Map<String, Object> bySeverity = new LinkedHashMap<>();
        long total = 0;
        for (Severity s : Severity.values()) {
            bySeverity.put(s.name().toLowerCase(Locale.ROOT), counts.of(s));
            total += counts.of(s);
        }
        doc.put("events_30d", map("stored", total, "by_severity", bySeverity));
        doc.put("lockouts_now", gh.loginGuard().lockedNow(100_000).size());
        Map<String, Object> caches = new TreeMap<>();
        for (Map.Entry<String, CacheStats> e : gh.caches().stats().entrySet()) {
            caches.put(
                    e.getKey(),
                    map(
                            "hits",
                            e.getValue().hits() + e.getValue().nearHits(),
                            "misses",
                            e.getValue().misses(),
                            "hit_ratio",
                            e.getValue().hitRatio()));
        }
        doc.put("caches_this_process", caches);
        List<Map<String, Object>> families = gh.stores().keyFamilies(sample).stream()
                .map(f -> map(
                        "target",
                        f.target(),
                        "family",
                        f.family(),
                        "keys",
                        f.keys(),
                        "sampled",
                        f.sampled(),
                        "bytes_estimated",
                        f.estimatedBytes()))
                .toList();
        doc.put("key_families", families);
        Output out = cli.output();
        if (out.json()) {
            out.fields(doc);
        } else {
            Map<String, Object> top = new LinkedHashMap<>(doc);
            top.remove("key_families");
            out.fields(top);
            cli.out().println();
            out.rows(families, "target", "family", "keys", "sampled", "bytes_estimated");
        }
        return ExitCode.OK;
    }
}
