package io.gatehouse.event;

import io.gatehouse.error.InvalidInputException;
import io.gatehouse.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/*
 * Design note. One table partitioned by month on occurred_at (PostgreSQL declarative partitioning):
 *
 *   gatehouse_security_events             parent, PARTITION BY RANGE (occurred_at)
 *   gatehouse_security_events_yYYYYmMM    one partition per UTC month: FOR VALUES FROM (month start) TO (next)
 *
 * The primary key is (id, occurred_at): PostgreSQL requires a partitioned table's unique keys to include
 * the partition key. An event's time never changes, so this is unique per event id, and inserts use
 * ON CONFLICT DO NOTHING: replays (a batch retried after an unknown outcome, the Redis spool replayed,
 * a backfill) store every event exactly once. Index (user_id, occurred_at) for per-user time ranges; the
 * query's range prunes the months it does not touch.
 *
 * DDL runs under a transaction-scoped advisory lock, because CREATE TABLE IF NOT EXISTS is not safe
 * against a concurrent identical CREATE (two instances creating the same month would see a unique
 * violation in pg_type). Months already known to exist are remembered, so the common insert does no DDL.
 */
final class JdbcEventArchive implements EventArchive {
    static final String TABLE = "gatehouse_security_events";
    /** Arbitrary constant shared by every instance: the advisory lock that serialises the archive's DDL. */
    private static final long DDL_LOCK = 0x6761746568L;

    private static final Pattern PARTITION = Pattern.compile(TABLE + "_y(\\d{4})m(\\d{2})");
    private static final String INSERT = "INSERT INTO " + TABLE + " (id, occurred_at, type, severity, user_id,"
            + " session_id, ip, user_agent, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
            + " ON CONFLICT (id, occurred_at) DO NOTHING";
    private static final String QUERY = "SELECT id, occurred_at, type, severity, user_id, session_id, ip, user_agent,"
            + " reason, details::text FROM " + TABLE + " WHERE user_id = ? AND occurred_at >= ? AND occurred_at < ?"
            + " ORDER BY occurred_at DESC, id DESC LIMIT ?";

    private final DataSource dataSource;
    private final AutoCloseable owned;
    private final String target;
    private final Set<YearMonth> months = ConcurrentHashMap.newKeySet();
    private volatile boolean tableReady;

    JdbcEventArchive(DataSource dataSource, AutoCloseable owned, String target) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.target = target;
    }

    @Override
    public int store(List<SecurityEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try {
            ensurePartitions(events);
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (SecurityEvent e : events) {
                        ps.setString(1, e.id());
                        ps.setObject(2, OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC));
                        ps.setString(3, e.type().code());
                        ps.setString(4, EventJson.severity(e.severity()));
                        ps.setString(5, e.user().orElse(null));
                        ps.setString(6, e.session().orElse(null));
                        ps.setString(7, e.ip().orElse(null));
                        ps.setString(8, e.userAgent().orElse(null));
                        ps.setString(9, e.reason().orElse(null));
                        ps.setString(10, e.details().isEmpty() ? null : EventJson.details(e.details()));
                        ps.addBatch();
                    }
                    int added = 0;
                    for (int n : ps.executeBatch()) {
                        added += n == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, n);
                    }
                    c.commit();
                    return added;
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            }
        } catch (SQLException e) {
            if ("23514".equals(e.getSQLState())) {
                // "no partition of relation found for row": a month was dropped behind our back; recreate it next time.
                months.clear();
            }
            throw failure("storing " + events.size() + " security event(s) in the archive", e);
        }
    }

    private void ensurePartitions(List<SecurityEvent> events) throws SQLException {
        Set<YearMonth> missing = new TreeSet<>();
        for (SecurityEvent e : events) {
            YearMonth m = YearMonth.from(e.time().atOffset(ZoneOffset.UTC));
            if (!months.contains(m)) {
                missing.add(m);
            }
        }
        if (missing.isEmpty() && tableReady) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                if (!tableReady) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                            + "id text NOT NULL, occurred_at timestamptz NOT NULL, type text NOT NULL,"
                            + " severity text NOT NULL, user_id text, session_id text, ip text, user_agent text,"
                            + " reason text, details jsonb, PRIMARY KEY (id, occurred_at))"
                            + " PARTITION BY RANGE (occurred_at)");
                    s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_user_time ON " + TABLE
                            + " (user_id, occurred_at)");
                }
                for (YearMonth m : missing) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + partition(m) + " PARTITION OF " + TABLE
                            + " FOR VALUES FROM ('" + m.atDay(1) + " 00:00:00+00') TO ('"
                            + m.plusMonths(1).atDay(1) + " 00:00:00+00')");
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        tableReady = true;
        months.addAll(missing);
    }

    static String partition(YearMonth m) {
        return String.format("%s_y%04dm%02d", TABLE, m.getYear(), m.getMonthValue());
    }

    @Override
    public List<SecurityEvent> query(String user, Instant from, Instant to, int limit) {
        SecurityEvent.builder(EventType.REGISTER).user(user); // the same rules as a recorded user id
        if (!from.isBefore(to) || limit < 1 || limit > 10_000) {
            throw new InvalidInputException("an archive query needs from before to and a limit of 1 to 10,000");
        }
        if (!tableReady && !tableExists()) {
            return List.of();
        }
        List<SecurityEvent> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setString(1, user);
            ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(EventJson.fromFields(
                            rs.getString(1),
                            rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            EventJson.details(rs.getString(10))));
                }
            }
        } catch (SQLException e) {
            throw failure("querying the security event archive", e);
        }
        return out;
    }

    private boolean tableExists() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw failure("reading the security event archive", e);
        }
    }

    @Override
    public List<YearMonth> dropMonthsBefore(YearMonth month) {
        List<YearMonth> dropped = new ArrayList<>();
        if (!tableReady && !tableExists()) {
            return dropped;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                List<YearMonth> found = new ArrayList<>();
                try (ResultSet rs =
                        s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                + " WHERE i.inhparent = '" + TABLE + "'::regclass")) {
                    while (rs.next()) {
                        Matcher m = PARTITION.matcher(rs.getString(1));
                        if (m.matches()) {
                            found.add(YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                        }
                    }
                }
                for (YearMonth m : found) {
                    if (m.isBefore(month)) {
                        s.execute("DROP TABLE IF EXISTS " + partition(m));
                        dropped.add(m);
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("dropping old months of the security event archive", e);
        }
        months.removeAll(dropped);
        dropped.sort(null);
        return dropped;
    }

    private StoreUnavailableException failure(String what, SQLException e) {
        StoreUnavailableException ex = new StoreUnavailableException(
                target, what + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")");
        ex.initCause(e);
        return ex;
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the security event archive's pool", e);
            }
        }
    }
}
