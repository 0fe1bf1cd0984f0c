package io.gatehouse.user;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link UserStore} over JDBC with portable SQL (the same statements run on H2 and PostgreSQL). Multi-row
 * changes (a user and its roles) run in one transaction. Timestamps are stored as
 * {@code TIMESTAMP WITH TIME ZONE} at microsecond precision, the finer of what both databases keep.
 */
final class JdbcUserStore implements UserStore {
    /** SQLSTATE of a unique-constraint violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String SELECT = "SELECT id, email, full_name, password_hash, status, created_at, "
            + "password_changed_at, email_verified_at FROM users ";

    private final DataSource dataSource;

    JdbcUserStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void insert(User user, String passwordHash) {
        inTransaction("insert a user", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users (id, email, email_key, full_name, "
                            + "password_hash, status, created_at, updated_at, password_changed_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, user.id());
                ps.setString(2, user.email());
                ps.setString(3, EmailAddress.key(user.email()));
                ps.setString(4, user.fullName().orElse(null));
                ps.setString(5, passwordHash);
                ps.setString(6, user.status().label());
                ps.setObject(7, timestamp(user.createdAt()));
                ps.setObject(8, timestamp(user.createdAt()));
                ps.setObject(9, timestamp(user.passwordChangedAt()));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new EmailTakenException();
                }
                throw e;
            }
            insertRoles(c, user.id(), user.roles());
            return null;
        });
    }

    @Override
    public Optional<Entry> findByEmail(String email) {
        return find("WHERE email_key = ?", EmailAddress.key(email));
    }

    @Override
    public Optional<Entry> findById(String id) {
        return find("WHERE id = ?", id);
    }

    @Override
    public UserPage search(String needle, int offset, int limit) {
        // LIKE with an escape character both databases accept; the needle's own wildcards match literally.
        String pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String where = needle.isEmpty()
                ? ""
                : "WHERE email_key LIKE ? ESCAPE '\\' OR LOWER(full_name) LIKE ? ESCAPE '\\' "
                        + "OR id LIKE ? ESCAPE '\\' ";
        return inTransaction("search users", c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users " + where)) {
                bindPattern(ps, needle, pattern);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<User> page = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(SELECT + where + "ORDER BY email_key OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                int i = bindPattern(ps, needle, pattern);
                ps.setInt(i + 1, offset);
                ps.setInt(i + 2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.add(user(rs, Set.of()));
                    }
                }
            }
            Map<String, Set<String>> roles =
                    roles(c, page.stream().map(User::id).toList());
            List<User> withRoles = page.stream()
                    .map(u -> new User(
                            u.id(),
                            u.email(),
                            u.fullName(),
                            u.status(),
                            roles.getOrDefault(u.id(), Set.of()),
                            u.createdAt(),
                            u.passwordChangedAt()))
                    .toList();
            return new UserPage(withRoles, total, offset, limit);
        });
    }

    private static int bindPattern(PreparedStatement ps, String needle, String pattern) throws SQLException {
        if (needle.isEmpty()) {
            return 0;
        }
        for (int i = 1; i <= 3; i++) {
            ps.setString(i, pattern);
        }
        return 3;
    }

    private static Map<String, Set<String>> roles(Connection c, List<String> ids) throws SQLException {
        Map<String, Set<String>> roles = new HashMap<>();
        if (ids.isEmpty()) {
            return roles;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, role FROM user_roles WHERE user_id IN (" + marks + ") ORDER BY role")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>())
                            .add(rs.getString(2));
                }
            }
        }
        return roles;
    }

    private static User user(ResultSet rs, Set<String> roles) throws SQLException {
        return new User(
                rs.getString("id"),
                rs.getString("email"),
                Optional.ofNullable(rs.getString("full_name")),
                UserStatus.fromLabel(rs.getString("status")),
                roles,
                instant(rs, "created_at"),
                instant(rs, "password_changed_at"));
    }

    @Override
    public boolean replaceHash(String id, String expectedHash, String newHash) {
        return inTransaction("replace a password hash", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
                ps.setString(1, newHash);
                ps.setString(2, id);
                ps.setString(3, expectedHash);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean setPassword(String id, String newHash, Instant changedAt) {
        return inTransaction("set a password", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, newHash);
                ps.setObject(2, timestamp(changedAt));
                ps.setObject(3, timestamp(changedAt));
                ps.setString(4, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean setPasswordIfUnchanged(String id, String newHash, Instant changedAt, Instant expectedChangedAt) {
        return inTransaction("reset a password", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE users SET password_hash = ?, password_changed_at = ?, "
                            + "updated_at = ? WHERE id = ? AND password_changed_at = ?")) {
                ps.setString(1, newHash);
                ps.setObject(2, timestamp(changedAt));
                ps.setObject(3, timestamp(changedAt));
                ps.setString(4, id);
                ps.setObject(5, timestamp(expectedChangedAt));
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean markEmailVerified(String id, Instant at) {
        return inTransaction("mark an email verified", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET email_verified_at = ?, updated_at = ? WHERE id = ? AND email_verified_at IS NULL")) {
                ps.setObject(1, timestamp(at));
                ps.setObject(2, timestamp(at));
                ps.setString(3, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean setStatus(String id, UserStatus status, Instant at) {
        return inTransaction("set a user's status", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE users SET status = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status.label());
                ps.setObject(2, timestamp(at));
                ps.setString(3, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean setRoles(String id, Set<String> roles, Instant at) {
        return inTransaction("set a user's roles", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET updated_at = ? WHERE id = ?")) {
                ps.setObject(1, timestamp(at));
                ps.setString(2, id);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_roles WHERE user_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            insertRoles(c, id, roles);
            return true;
        });
    }

    private static void insertRoles(Connection c, String id, Set<String> roles) throws SQLException {
        if (roles.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_roles (user_id, role) VALUES (?, ?)")) {
            for (String role : roles) {
                ps.setString(1, id);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Optional<Entry> find(String where, String value) {
        return inTransaction("read a user", c -> {
            String id;
            Entry partial;
            try (PreparedStatement ps = c.prepareStatement(SELECT + where)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    id = rs.getString("id");
                    OffsetDateTime verified = rs.getObject("email_verified_at", OffsetDateTime.class);
                    partial = new Entry(
                            user(rs, Set.of()),
                            rs.getString("password_hash"),
                            Optional.ofNullable(verified).map(OffsetDateTime::toInstant));
                }
            }
            Set<String> roles = roles(c, List.of(id)).getOrDefault(id, Set.of());
            User u = partial.user();
            return Optional.of(new Entry(
                    new User(u.id(), u.email(), u.fullName(), u.status(), roles, u.createdAt(), u.passwordChangedAt()),
                    partial.passwordHash(),
                    partial.emailVerifiedAt()));
        });
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
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
            // The message names the operation and SQLSTATE only: statements never carry secrets here, but
            // a driver message could quote a value, and this text may reach a log.
            throw new UserStoreException("cannot " + what + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }
}
