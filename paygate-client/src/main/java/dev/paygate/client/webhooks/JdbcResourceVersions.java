package dev.paygate.client.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * {@link ResourceVersions} in a table of your database, shared by every instance of your receiver. Each step is one
 * conditional statement, so two instances never both advance past the same version. Plain SQL, in one transaction per
 * call.
 *
 * <pre>
 * CREATE TABLE paygate_resource_versions (
 *     object_id VARCHAR(255) PRIMARY KEY,
 *     version   BIGINT       NOT NULL)
 * </pre>
 */
public final class JdbcResourceVersions implements ResourceVersions {

    static final String TABLE = "CREATE TABLE IF NOT EXISTS paygate_resource_versions ("
            + " object_id VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL)";

    private final DataSource dataSource;

    public JdbcResourceVersions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the table unless it is there (or create it with your migrations: the DDL is above). */
    public JdbcResourceVersions createTableIfMissing() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(TABLE);
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("creating paygate_resource_versions", e);
        }
    }

    @Override
    public OptionalLong advance(String objectId, long version) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int attempt = 1; ; attempt++) {
                try {
                    OptionalLong result = advance(c, objectId, version);
                    c.commit();
                    return result;
                } catch (SQLException e) {
                    c.rollback();
                    // a duplicate key: another instance inserted this object's first version in between; the row is
                    // there now, so the second try locks it and compares
                    if (attempt > 1 || !JdbcProcessedWebhooks.duplicateKey(e)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording the version of " + objectId, e);
        }
    }

    private static OptionalLong advance(Connection c, String objectId, long version) throws SQLException {
        try (PreparedStatement read =
                c.prepareStatement("SELECT version FROM paygate_resource_versions WHERE object_id = ? FOR UPDATE")) {
            read.setString(1, objectId);
            try (ResultSet row = read.executeQuery()) {
                if (row.next()) {
                    long seen = row.getLong(1);
                    if (version <= seen) {
                        return OptionalLong.empty();
                    }
                    try (PreparedStatement update = c.prepareStatement(
                            "UPDATE paygate_resource_versions SET version = ? WHERE object_id = ?")) {
                        update.setLong(1, version);
                        update.setString(2, objectId);
                        update.executeUpdate();
                    }
                    return OptionalLong.of(seen);
                }
            }
        }
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO paygate_resource_versions (object_id, version) VALUES (?, ?)")) {
            insert.setString(1, objectId);
            insert.setLong(2, version);
            insert.executeUpdate();
            return OptionalLong.of(0);
        }
    }

    @Override
    public void retract(String objectId, long version, long previous) {
        String sql = previous == 0
                ? "DELETE FROM paygate_resource_versions WHERE object_id = ? AND version = ?"
                : "UPDATE paygate_resource_versions SET version = ? WHERE object_id = ? AND version = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            int i = 1;
            if (previous != 0) {
                statement.setLong(i++, previous);
            }
            statement.setString(i++, objectId);
            statement.setLong(i, version);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("retracting the version of " + objectId, e);
        }
    }
}
