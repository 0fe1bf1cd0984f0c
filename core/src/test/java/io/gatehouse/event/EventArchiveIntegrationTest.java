package io.gatehouse.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.StoreUnavailableException;
import io.gatehouse.testkit.PostgresServer;
import io.gatehouse.testkit.StandaloneRedis;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL archive against a real PostgreSQL (testkit), each test in a fresh database: monthly
 * partitions created on demand (also by several instances at once), exactly-once storage on replay,
 * per-user time-range queries, dropping old months, and the recorder feeding it from the configuration.
 */
class EventArchiveIntegrationTest {
    private static final Instant MARCH = Instant.parse("2031-03-15T12:00:00Z");

    @TempDir
    Path dir;

    private PGSimpleDataSource dataSource;
    private String url;
    private EventArchive archive;

    @BeforeEach
    void database() {
        PostgresServer pg = PostgresServer.shared();
        url = pg.createDatabase();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(PostgresServer.USER);
        dataSource.setPassword(pg.password());
        archive = EventArchive.jdbc(dataSource);
    }

    @AfterEach
    void close() {
        archive.close();
    }

    private static SecurityEvent event(String user, Instant time, EventType type) {
        return SecurityEvent.builder(type)
                .id(EventIds.next(time.toEpochMilli()))
                .time(time)
                .user(user)
                .ip("203.0.113.9")
                .userAgent("agent/1.0 \"quoted\" ü")
                .reason("bad_password")
                .detail("attempt", "3")
                .build();
    }

    private List<String> partitions() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                + " WHERE i.inhparent = 'gatehouse_security_events'::regclass ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private long rows() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM gatehouse_security_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void storesEachEventOnceInItsMonthsPartitionAndQueriesByUserAndTime() throws Exception {
        assertThat(archive.query("ann", MARCH.minusSeconds(60), MARCH.plusSeconds(60), 10))
                .isEmpty();
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Ten days apart: March, April and May 2031.
            events.add(event(i % 2 == 0 ? "ann" : "bob", MARCH.plus(Duration.ofDays(i * 2L)), EventType.LOGIN_FAILURE));
        }
        assertThat(archive.store(events)).isEqualTo(30);
        assertThat(partitions())
                .containsExactly(
                        "gatehouse_security_events_y2031m03",
                        "gatehouse_security_events_y2031m04",
                        "gatehouse_security_events_y2031m05");

        // A replay (the same batch again, and a batch overlapping it) stores nothing twice.
        assertThat(archive.store(events)).isZero();
        List<SecurityEvent> overlap = new ArrayList<>(events.subList(20, 30));
        overlap.add(event("ann", MARCH.plus(Duration.ofDays(90)), EventType.LOCKOUT));
        assertThat(archive.store(overlap)).isEqualTo(1);
        assertThat(rows()).isEqualTo(31);

        // ann's April events, newest first, exactly as recorded (every field).
        Instant april = Instant.parse("2031-04-01T00:00:00Z");
        Instant may = Instant.parse("2031-05-01T00:00:00Z");
        List<SecurityEvent> expected = events.stream()
                .filter(e -> e.user().orElseThrow().equals("ann")
                        && !e.time().isBefore(april)
                        && e.time().isBefore(may))
                .sorted((a, b) -> b.time().compareTo(a.time()))
                .toList();
        assertThat(expected).hasSizeGreaterThan(3);
        assertThat(archive.query("ann", april, may, 100)).containsExactlyElementsOf(expected);
        assertThat(archive.query("ann", april, may, 2)).containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(archive.query("carl", april, may, 100)).isEmpty();
        assertThatThrownBy(() -> archive.query("ann", may, april, 10))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
        assertThatThrownBy(() -> archive.query("a{b}", april, may, 10))
                .isInstanceOf(io.gatehouse.error.InvalidInputException.class);
    }

    @Test
    void severalInstancesCreatingTheSameMonthsAtOnceAllSucceed() throws Exception {
        long seed = System.nanoTime();
        System.out.println("severalInstancesCreatingTheSameMonthsAtOnceAllSucceed seed=" + seed);
        Random random = new Random(seed);
        int instances = 4;
        List<List<SecurityEvent>> work = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int n = 0; n < instances; n++) {
            List<SecurityEvent> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // Twelve months of 2032, in random order, so every instance needs every partition.
                Instant t =
                        Instant.parse("2032-01-01T00:00:00Z").plus(Duration.ofMinutes(random.nextInt(366 * 24 * 60)));
                SecurityEvent e = event("u" + random.nextInt(20), t, EventType.SESSION_CREATED);
                batch.add(e);
                ids.add(e.id());
            }
            work.add(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<EventArchive> archives = new ArrayList<>();
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (List<SecurityEvent> batch : work) {
                EventArchive a = EventArchive.jdbc(dataSource); // separate instances: none knows a month exists
                archives.add(a);
                tasks.add(() -> a.store(batch));
            }
            int added = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                added += f.get();
            }
            assertThat(added).isEqualTo(ids.size());
        } finally {
            pool.shutdownNow();
            archives.forEach(EventArchive::close);
        }
        assertThat(partitions()).hasSize(12);
        assertThat(rows()).isEqualTo(ids.size());
    }

    @Test
    void dropsWholeMonthsBeforeTheCutoff() throws Exception {
        List<SecurityEvent> events = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            events.add(event(
                    "ann", Instant.parse("2031-01-10T00:00:00Z").plus(Duration.ofDays(31L * m)), EventType.LOGOUT));
        }
        archive.store(events);
        assertThat(archive.dropMonthsBefore(YearMonth.of(2031, 3)))
                .containsExactly(YearMonth.of(2031, 1), YearMonth.of(2031, 2));
        assertThat(partitions()).hasSize(3);
        assertThat(rows()).isEqualTo(3);
        // The dropped months come back when an event of theirs arrives again.
        assertThat(archive.store(events)).isEqualTo(2);
        assertThat(rows()).isEqualTo(5);
    }

    @Test
    void aDatabaseThatIsDownIsAStoreUnavailableFailureAndChangesNothing() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl(url);
        nowhere.setUser(PostgresServer.USER);
        nowhere.setPassword("wrong-password");
        try (EventArchive broken = EventArchive.jdbc(nowhere)) {
            assertThatThrownBy(() -> broken.store(List.of(event("ann", MARCH, EventType.LOGOUT))))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageNotContaining("wrong-password");
        }
    }

    @Test
    void theRecorderFeedsTheArchiveItOpensFromTheConfiguration() throws Exception {
        try (StandaloneRedis redis = StandaloneRedis.start()) {
            GatehouseConfig config = GatehouseConfig.builder()
                    .redisUrl(redis.url())
                    .set("gatehouse.events.spool.dir", dir.resolve("spool").toString())
                    .set("gatehouse.events.archive.url", url)
                    .set("gatehouse.events.archive.user", PostgresServer.USER)
                    .set(
                            "gatehouse.events.archive.password",
                            PostgresServer.shared().password())
                    .set("gatehouse.events.archive.batch-size", "7")
                    .build();
            try (Stores stores = Stores.open(config);
                    SecurityEvents events = SecurityEvents.builder()
                            .config(config)
                            .stores(stores)
                            .build()) {
                List<SecurityEvent> recorded = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    recorded.add(events.record(SecurityEvent.builder(EventType.LOGIN_SUCCESS)
                            .user("dora")
                            .ip("198.51.100.1")));
                }
                events.record(recorded.get(0).toBuilder()); // a duplicate: archived once
                assertThat(events.flush(Duration.ofSeconds(30))).isTrue();
                EventStats stats = events.stats();
                assertThat(stats.archived()).isEqualTo(101);
                assertThat(stats.archiveDropped()).isZero();
                Instant now = Instant.now();
                List<SecurityEvent> archived =
                        archive.query("dora", now.minus(Duration.ofHours(1)), now.plusSeconds(60), 1000);
                assertThat(archived).containsExactlyInAnyOrderElementsOf(recorded);
                // Redis and the archive hold the same events.
                assertThat(events.query(EventQuery.lastOf("dora", 1000)).events())
                        .containsExactlyInAnyOrderElementsOf(archived);
            }
        }
    }

    @Test
    void theArchiveIsOffByDefaultAndItsSettingsAreChecked() {
        assertThat(EventSettings.from(GatehouseConfig.builder().build()).archive())
                .isEmpty();
        assertThatThrownBy(() -> EventSettings.from(GatehouseConfig.builder()
                        .set("gatehouse.events.archive.url", "postgresql://db/x")
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.events.archive.url");
        assertThatThrownBy(() -> EventSettings.from(GatehouseConfig.builder()
                        .set("gatehouse.events.archive.url", "jdbc:postgresql://db/x")
                        .set("gatehouse.events.archive.batch-size", "0")
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.events.archive.batch-size");
        ArchiveSettings s = EventSettings.from(GatehouseConfig.builder()
                        .set("gatehouse.events.archive.url", "jdbc:postgresql://db/x?password=hunter2")
                        .set("gatehouse.events.archive.password", "s3cret")
                        .build())
                .archive()
                .orElseThrow();
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
    }
}
