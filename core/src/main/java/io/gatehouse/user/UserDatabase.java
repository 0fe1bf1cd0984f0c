package io.gatehouse.user;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The user database: a HikariCP pool, migrated by Flyway when opened, and the {@link UserStore} over it.
 *
 * <p>Configuration: {@code gatehouse.db.url} (default: an H2 file {@code users} under the data directory),
 * {@code gatehouse.db.user}, {@code gatehouse.db.password}, {@code gatehouse.db.pool-size} (default 10),
 * {@code gatehouse.db.connect-timeout} (default 5s). A database that cannot be reached or migrated stops
 * startup with a {@link ConfigException} naming {@code gatehouse.db.url}; the password never appears in it.
 */
public final class UserDatabase implements AutoCloseable {
    public static final String URL_KEY = "gatehouse.db.url";
    public static final String USER_KEY = "gatehouse.db.user";
    public static final String PASSWORD_KEY = "gatehouse.db.password";
    public static final String POOL_SIZE_KEY = "gatehouse.db.pool-size";
    public static final String CONNECT_TIMEOUT_KEY = "gatehouse.db.connect-timeout";
    /** Where the migrations live, beside this class. */
    static final String MIGRATIONS = "classpath:io/gatehouse/user/migration";

    private final HikariDataSource dataSource;
    private final UserStore store;
    private final String redactedUrl;

    private UserDatabase(HikariDataSource dataSource, String redactedUrl) {
        this.dataSource = dataSource;
        this.store = new JdbcUserStore(dataSource);
        this.redactedUrl = redactedUrl;
    }

    /** Opens the pool, applies pending migrations, and returns the database. */
    public static UserDatabase open(GatehouseConfig config) {
        String url = config.get(URL_KEY).filter(s -> !s.isBlank()).orElseGet(() -> defaultUrl(config.dataDir()));
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(
                    URL_KEY,
                    URL_KEY + " = " + redact(url) + " is not supported: use a "
                            + "jdbc:postgresql://host:5432/database URL, or leave it unset for the embedded H2 database");
        }
        long poolSize = config.number(POOL_SIZE_KEY, 10);
        if (poolSize < 1 || poolSize > 1000) {
            throw new ConfigException(POOL_SIZE_KEY, POOL_SIZE_KEY + " = " + poolSize + " must be 1..1000");
        }
        Duration connectTimeout = config.duration(CONNECT_TIMEOUT_KEY, Duration.ofSeconds(5));
        if (connectTimeout.toMillis() < 250) {
            throw new ConfigException(
                    CONNECT_TIMEOUT_KEY, CONNECT_TIMEOUT_KEY + " must be at least 250ms (HikariCP's minimum)");
        }
        if (url.startsWith("jdbc:h2:file:")) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (java.io.IOException e) {
                throw new ConfigException(
                        "gatehouse.data-dir",
                        "Cannot create the data directory " + config.dataDir().toAbsolutePath()
                                + " for the embedded user database: " + e.getMessage());
            }
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("gatehouse-users");
        hikari.setJdbcUrl(url);
        config.get(USER_KEY).ifPresent(hikari::setUsername);
        config.get(PASSWORD_KEY).ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize((int) poolSize);
        hikari.setConnectionTimeout(connectTimeout.toMillis());
        hikari.setInitializationFailTimeout(connectTimeout.toMillis());
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new ConfigException(
                    URL_KEY,
                    "Cannot connect to the user database at " + redact(url) + ": " + rootMessage(e) + ". Check "
                            + URL_KEY + ", " + USER_KEY + " and " + PASSWORD_KEY + ".");
        }
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(MIGRATIONS)
                    .table("gatehouse_schema_history")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            ds.close();
            throw new ConfigException(
                    URL_KEY, "Cannot migrate the user database at " + redact(url) + ": " + e.getMessage());
        }
        return new UserDatabase(ds, redact(url));
    }

    /**
     * The embedded default: an H2 file {@code users.mv.db} under the data directory, in H2's mixed mode
     * ({@code AUTO_SERVER=TRUE}): the first process to open it (the server) serves it over a loopback TCP
     * port recorded in the lock file, and a second one (the CLI while the server runs) connects through it
     * instead of failing on the file lock. H2 refuses mixed mode with {@code DB_CLOSE_ON_EXIT=FALSE}, so
     * H2's own shutdown hook closes the file; statements still running in the server's shutdown then fail
     * cleanly (the pool is closed right after).
     */
    static String defaultUrl(Path dataDir) {
        // TRACE_LEVEL_FILE=0: H2's trace file records failed statements with their values (emails, hashes).
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("users")
                + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0";
    }

    /** The store over this database. */
    public UserStore store() {
        return store;
    }

    /** The connection pool, for the other tables of the user database (second factors: {@code io.gatehouse.mfa}). */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** The URL with any password parameter masked, for logs and health output. */
    public String url() {
        return redactedUrl;
    }

    /**
     * Borrows a connection and asks the driver whether it is valid, within {@code timeout}.
     *
     * @return the round trip, or empty when the database did not answer (the reason is in {@code error})
     */
    public Check check(Duration timeout) {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            boolean valid = c.isValid((int) Math.max(1, timeout.toSeconds()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return valid
                    ? new Check(true, took, Optional.empty())
                    : new Check(false, took, Optional.of("connection not valid"));
        } catch (SQLException | RuntimeException e) {
            return new Check(
                    false,
                    Duration.ofNanos(System.nanoTime() - start),
                    Optional.of(e.getClass().getSimpleName()
                            + (e instanceof SQLException s ? " SQLSTATE " + s.getSQLState() : "")));
        }
    }

    /**
     * What {@link #check(Duration)} saw.
     *
     * @param up        the database answered
     * @param roundTrip how long borrowing and validating took
     * @param error     why it is down
     */
    public record Check(boolean up, Duration roundTrip, Optional<String> error) {}

    /** Pool figures for health output: active, idle and total connections. */
    public String poolSummary() {
        var pool = dataSource.getHikariPoolMXBean();
        return pool == null
                ? "closed"
                : "active=" + pool.getActiveConnections() + " idle=" + pool.getIdleConnections() + " total="
                        + pool.getTotalConnections();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1****").replaceAll("//([^/@:]+):[^/@]*@", "//$1:****@");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
