package io.gatehouse.event;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.config.ConfigException;

/**
 * Opens the archive's own connection pool from {@code gatehouse.events.archive.*}. A class of its own so
 * that HikariCP and the JDBC driver (optional dependencies of the library) are only loaded when the
 * archive is turned on.
 */
final class ArchivePool {
    private ArchivePool() {}

    static EventArchive open(ArchiveSettings s) {
        HikariDataSource pool;
        try {
            HikariConfig c = new HikariConfig();
            c.setPoolName("gatehouse-events-archive");
            c.setJdbcUrl(s.url());
            if (!s.user().isEmpty()) {
                c.setUsername(s.user());
            }
            if (!s.password().isEmpty()) {
                c.setPassword(s.password());
            }
            c.setMaximumPoolSize(s.poolSize());
            c.setMinimumIdle(1);
            // Do not fail startup when the database is down: the archiver retries, recording goes on.
            c.setInitializationFailTimeout(-1);
            c.setConnectionTimeout(5_000);
            pool = new HikariDataSource(c);
        } catch (NoClassDefFoundError e) {
            throw new ConfigException(
                    EventSettings.PREFIX + "archive.url",
                    EventSettings.PREFIX + "archive.url is set, "
                            + "but HikariCP is not on the classpath; add com.zaxxer:HikariCP and the PostgreSQL JDBC driver "
                            + "(org.postgresql:postgresql) to the application, or unset " + EventSettings.PREFIX
                            + "archive.url");
        } catch (RuntimeException e) {
            throw new ConfigException(
                    EventSettings.PREFIX + "archive.url",
                    EventSettings.PREFIX + "archive.url = "
                            + s.redactedUrl() + " cannot be used for the security event archive: " + e.getMessage()
                            + " (is the PostgreSQL JDBC driver, org.postgresql:postgresql, on the classpath?)");
        }
        return new JdbcEventArchive(pool, pool, s.redactedUrl());
    }
}
