package io.gatehouse.mfa;

import io.gatehouse.user.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/*
 * The second-factor tables of the user database (migration V3): one sealed TOTP secret per user and the
 * hashes of their unused recovery codes. Portable SQL (H2 and PostgreSQL). Changes of both tables run in one
 * transaction; a recovery code is consumed by the DELETE that removes it (single use under concurrency).
 */
final class TotpRecords {
    /** A user's TOTP row: the sealed secret, and whether the first code confirmed it. */
    record Row(String sealedSecret, boolean confirmed) {}

    private final DataSource dataSource;

    TotpRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<Row> find(String userId) {
        return run("read a second factor", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT secret_sealed, confirmed_at FROM user_totp WHERE user_id = ?")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Row(rs.getString(1), rs.getObject(2) != null))
                            : Optional.empty();
                }
            }
        });
    }

    /** Replaces an unconfirmed enrolment; false (nothing written) when a confirmed one exists. */
    boolean savePending(String userId, String sealed, Instant now) {
        return run("start a second-factor enrolment", c -> {
            try (PreparedStatement del =
                    c.prepareStatement("DELETE FROM user_totp WHERE user_id = ? AND confirmed_at IS NULL")) {
                del.setString(1, userId);
                del.executeUpdate();
            }
            try (PreparedStatement ins =
                    c.prepareStatement("INSERT INTO user_totp (user_id, secret_sealed, created_at) SELECT ?, ?, ? "
                            + "WHERE NOT EXISTS (SELECT 1 FROM user_totp WHERE user_id = ?)")) {
                ins.setString(1, userId);
                ins.setString(2, sealed);
                ins.setObject(3, timestamp(now));
                ins.setString(4, userId);
                return ins.executeUpdate() == 1;
            }
        });
    }

    /** Confirms the pending enrolment and stores its recovery codes; false when there was none pending. */
    boolean confirm(String userId, Instant now, List<String> codeHashes) {
        return run("confirm a second factor", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE user_totp SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL")) {
                ps.setObject(1, timestamp(now));
                ps.setString(2, userId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            replaceCodes(c, userId, codeHashes);
            return true;
        });
    }

    /** Replaces the recovery codes of a confirmed enrolment; false when the user has none. */
    boolean replaceRecoveryCodes(String userId, List<String> codeHashes) {
        return run("replace recovery codes", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL FOR UPDATE")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            replaceCodes(c, userId, codeHashes);
            return true;
        });
    }

    /** Deletes one unused code; true for exactly one caller per code. */
    boolean consumeRecoveryCode(String userId, String codeHash) {
        return run("use a recovery code", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM user_recovery_codes WHERE user_id = ? AND code_hash = ?")) {
                ps.setString(1, userId);
                ps.setString(2, codeHash);
                return ps.executeUpdate() == 1;
            }
        });
    }

    int recoveryCodesLeft(String userId) {
        return run("count recovery codes", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = ?")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Removes the secret and the codes; whether a second factor was there. */
    boolean delete(String userId) {
        return run("remove a second factor", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_recovery_codes WHERE user_id = ?")) {
                ps.setString(1, userId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_totp WHERE user_id = ?")) {
                ps.setString(1, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Whether any user has a confirmed second factor (startup: is the key needed?). */
    boolean anyConfirmed() {
        return run("look for second factors", c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT 1 FROM user_totp WHERE confirmed_at IS NOT NULL LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    private static void replaceCodes(Connection c, String userId, List<String> hashes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_recovery_codes WHERE user_id = ?")) {
            ps.setString(1, userId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (?, ?)")) {
            for (String h : hashes) {
                ps.setString(1, userId);
                ps.setString(2, h);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private <T> T run(String what, JdbcTransactions.Work<T> work) {
        return JdbcTransactions.inTransaction(dataSource, what, work);
    }
}
