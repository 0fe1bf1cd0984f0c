package io.gatehouse.event;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The {@code gatehouse.events.*} settings, read and checked once (documented in docs/CONFIGURATION.md). */
record EventSettings(
        Duration retention,
        int queueCapacity,
        int batchSize,
        int globalShards,
        Path spoolDir,
        long spoolMaxBytes,
        Duration retryInterval,
        Duration lateWindow,
        int rateLimitSample,
        int maxScan,
        Optional<URI> webhookUrl,
        Severity webhookMinSeverity,
        int webhookMaxAttempts,
        Duration webhookInitialBackoff,
        Duration webhookMaxBackoff,
        Duration webhookTimeout,
        Optional<ArchiveSettings> archive,
        int memoryMaxEvents) {

    static final String PREFIX = "gatehouse.events.";

    static EventSettings from(GatehouseConfig c) {
        Duration retention = c.positiveDuration(PREFIX + "retention", Duration.ofDays(90));
        int queue = (int) range(c, "queue-capacity", 65_536, 16, 10_000_000);
        int batch = (int) range(c, "batch-size", 1024, 1, 10_000);
        int shards = (int) range(c, "global-shards", 4, 1, 256);
        Path spool = Path.of(
                c.string(PREFIX + "spool.dir", c.dataDir().resolve("events").toString()));
        long spoolMax = range(c, "spool.max-bytes", 1L << 30, 1024, Long.MAX_VALUE);
        Duration retry = c.positiveDuration(PREFIX + "retry-interval", Duration.ofMillis(500));
        Duration late = c.positiveDuration(PREFIX + "late-window", Duration.ofHours(1));
        int sample = (int) range(c, "rate-limit-sample", 10, 1, 1_000_000);
        int maxScan = (int) range(c, "query.max-scan", 20_000, 100, 10_000_000);
        Optional<URI> webhook =
                c.get(PREFIX + "webhook.url").filter(s -> !s.isBlank()).map(s -> uri(s));
        Severity min;
        String minText = c.string(PREFIX + "webhook.min-severity", "critical");
        try {
            min = Severity.valueOf(minText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    PREFIX + "webhook.min-severity",
                    PREFIX + "webhook.min-severity = '" + minText
                            + "' is not a severity; use info, warning or critical");
        }
        int attempts = (int) range(c, "webhook.max-attempts", 6, 1, 100);
        Duration initial = c.positiveDuration(PREFIX + "webhook.initial-backoff", Duration.ofSeconds(1));
        Duration maxBackoff = c.positiveDuration(PREFIX + "webhook.max-backoff", Duration.ofMinutes(1));
        Duration timeout = c.positiveDuration(PREFIX + "webhook.timeout", Duration.ofSeconds(5));
        Optional<ArchiveSettings> archive = c.get(PREFIX + "archive.url")
                .filter(s -> !s.isBlank())
                .map(url -> {
                    if (!url.startsWith("jdbc:")) {
                        throw new ConfigException(
                                PREFIX + "archive.url",
                                PREFIX + "archive.url must be a JDBC URL such as "
                                        + "jdbc:postgresql://db.example.com:5432/gatehouse; it does not start with jdbc:");
                    }
                    return new ArchiveSettings(
                            url,
                            c.string(PREFIX + "archive.user", ""),
                            c.string(PREFIX + "archive.password", ""),
                            (int) range(c, "archive.batch-size", 500, 1, 10_000),
                            (int) range(c, "archive.pool-size", 2, 1, 64),
                            (int) range(c, "archive.queue-capacity", 65_536, 16, 10_000_000));
                });
        // The in-memory store (no Redis): at most this many events in the global stream, and as many again
        // across the per-user streams together.
        int memoryMax = (int) range(c, "memory.max-events", 100_000, 1000, 10_000_000);
        return new EventSettings(
                retention,
                queue,
                batch,
                shards,
                spool,
                spoolMax,
                retry,
                late,
                sample,
                maxScan,
                webhook,
                min,
                attempts,
                initial,
                maxBackoff,
                timeout,
                archive,
                memoryMax);
    }

    private static URI uri(String s) {
        try {
            URI u = new URI(s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new URISyntaxException(s, "not an http(s) URL with a host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    PREFIX + "webhook.url",
                    PREFIX + "webhook.url must be an http:// or https:// URL "
                            + "(a Slack incoming webhook, for example); '" + e.getInput() + "' is not: "
                            + e.getReason());
        }
    }

    private static long range(GatehouseConfig c, String name, long def, long min, long max) {
        long v = c.number(PREFIX + name, def);
        if (v < min || v > max) {
            throw new ConfigException(
                    PREFIX + name, PREFIX + name + " = " + v + " is out of range; it must be " + min + " to " + max);
        }
        return v;
    }
}
