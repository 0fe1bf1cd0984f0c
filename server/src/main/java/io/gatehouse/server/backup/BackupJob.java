package io.gatehouse.server.backup;

import io.gatehouse.backend.Stores;
import io.gatehouse.backup.BackupException;
import io.gatehouse.backup.BackupLease;
import io.gatehouse.backup.Backups;
import io.gatehouse.backup.Manifest;
import io.gatehouse.backup.Retention;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a backup of every deployment on a schedule: {@code gatehouse.backup.schedule} is an interval
 * ({@code 6h}) or a daily UTC time ({@code daily@02:30}); off when unset. Every instance runs the
 * timer, and the one that takes the {@link BackupLease} (held for 90% of the period) takes the backup. After a
 * backup, the retention schedule prunes old ones when {@code gatehouse.backup.retention} is set.
 *
 * <p>Metrics: {@code gatehouse_backup_last_success_timestamp_seconds} (0 until this instance has taken
 * one), {@code gatehouse_backup_last_size_bytes}, {@code gatehouse_backup_last_duration_seconds} and
 * {@code gatehouse_backup_failures_total}.
 */
public final class BackupJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupJob.class);
    static final String SCHEDULE = "gatehouse.backup.schedule";

    private final GatehouseConfig config;
    private final BackupLease lease;
    private final Duration period;
    private final Clock clock;
    private final AtomicLong lastSuccessSeconds = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();
    private final AtomicLong lastMillis = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService timer;

    BackupJob(GatehouseConfig config, BackupLease lease, Duration period, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.lease = lease;
        this.period = period;
        this.clock = clock;
        Gauge.builder("gatehouse.backup.last.success.timestamp", lastSuccessSeconds, AtomicLong::get)
                .description("When this instance last completed a backup (Unix time; 0: never)")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("gatehouse.backup.last.size", lastBytes, AtomicLong::get)
                .description("Stored size of the last backup this instance took")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("gatehouse.backup.last.duration", lastMillis, m -> m.get() / 1000.0)
                .description("How long the last backup this instance took ran")
                .baseUnit("seconds")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.backup.failures", failures, AtomicLong::get)
                .description("Scheduled backups that failed on this instance")
                .register(registry);
    }

    /**
     * The job {@code gatehouse.backup.schedule} asks for, started; empty when it is unset or off.
     *
     * @throws ConfigException for a schedule that is neither a duration nor {@code daily@HH:MM}
     */
    public static Optional<BackupJob> start(GatehouseConfig config, Stores stores, MeterRegistry registry) {
        String schedule = config.string(SCHEDULE, "off").trim();
        if (schedule.isEmpty() || schedule.equals("off")) {
            return Optional.empty();
        }
        Clock clock = Clock.systemUTC();
        Duration initialDelay;
        Duration period;
        if (schedule.startsWith("daily@")) {
            LocalTime at;
            try {
                at = LocalTime.parse(schedule.substring("daily@".length()));
            } catch (RuntimeException e) {
                throw new ConfigException(SCHEDULE, SCHEDULE + " = '" + schedule + "': the time must be HH:MM (UTC)");
            }
            period = Duration.ofDays(1);
            ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
            ZonedDateTime next = now.with(at);
            initialDelay = Duration.between(now, next.isAfter(now) ? next : next.plusDays(1));
        } else {
            period = config.duration(SCHEDULE, Duration.ZERO);
            if (period.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new ConfigException(
                        SCHEDULE,
                        SCHEDULE + " = '" + schedule + "' must be off, an interval of at least 1m (6h) or daily@HH:MM");
            }
            initialDelay = period;
        }
        BackupLease lease;
        try {
            lease = BackupLease.in(stores);
        } catch (BackupException e) {
            throw new ConfigException(SCHEDULE, e.getMessage());
        }
        BackupJob job = new BackupJob(config, lease, period, clock, registry);
        job.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-backup");
            t.setDaemon(true);
            return t;
        });
        job.timer.scheduleAtFixedRate(
                job::runIfLeader, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        log.info("scheduled backups: {} (first in {})", schedule, initialDelay);
        return Optional.of(job);
    }

    /** Takes the lease and a backup; false when another instance holds the lease for this period. */
    boolean runIfLeader() {
        try {
            if (!lease.tryAcquire(period.multipliedBy(9).dividedBy(10))) {
                return false;
            }
            long t0 = System.nanoTime();
            try (Backups backups = Backups.builder().config(config).clock(clock).build()) {
                List<Manifest> made = backups.create(Optional.empty());
                lastBytes.set(made.stream().mapToLong(Manifest::storedBytes).sum());
                lastMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                lastSuccessSeconds.set(clock.instant().getEpochSecond());
                made.forEach(
                        m -> log.info("backup {} done: {} bytes, {} keys", m.id(), m.storedBytes(), m.totalKeys()));
                config.get("gatehouse.backup.retention")
                        .map(Retention::parse)
                        .ifPresent(r -> log.info(
                                "backup prune: {} deleted",
                                backups.prune(r, false).deleted().size()));
            }
            return true;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.error("scheduled backup failed: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
