package io.gatehouse.user;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One transaction on the user database: commit when the work returns, roll back when it throws. Shared by
 * the user store and the second-factor records, which live in the same database.
 */
public final class JdbcTransactions {
    /** Work done on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransactions() {}

    /**
     * Runs {@code work} in a transaction on a connection of {@code dataSource}.
     *
     * @param what what the work does, for the error ("read a user")
     * @throws UserStoreException when the database fails; its message names the operation and the SQLSTATE only,
     *     because a driver's message could quote a value (a hash) and this text may reach a log
     */
    public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new UserStoreException("cannot " + what + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }
}
