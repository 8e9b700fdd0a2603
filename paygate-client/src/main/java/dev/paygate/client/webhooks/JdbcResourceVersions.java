package dev.paygate.client.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * {@link ResourceVersions} in a table of your database, shared by every instance of your receiver. An advance reads
 * the object's row with a lock ({@code SELECT … FOR UPDATE}) and writes it in one transaction, so two instances never
 * both advance past the same version. Plain SQL; tested on PostgreSQL.
 *
 * <pre>
 * CREATE TABLE paygate_resource_versions (
 *     object_id VARCHAR(255) PRIMARY KEY,
 *     version   BIGINT       NOT NULL)
 * </pre>
 */
public final class JdbcResourceVersions implements ResourceVersions {

    private final DataSource dataSource;
    private final String table;

    /** In {@code paygate_resource_versions}. */
    public JdbcResourceVersions(DataSource dataSource) {
        this(dataSource, "paygate_resource_versions");
    }

    /** @param table the table's name, optionally with its schema */
    public JdbcResourceVersions(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = JdbcProcessedWebhooks.tableName(table);
    }

    /** Creates the table unless it is there (or create it with your migrations: the DDL is above). */
    public JdbcResourceVersions createTableIfMissing() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table
                        + " (object_id VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL)");
            }
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("creating " + table, e);
        }
    }

    @Override
    public OptionalLong advance(String objectId, long version) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    OptionalLong result = advance(c, objectId, version);
                    c.commit();
                    return result;
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                // a duplicate key (another instance inserted this object's first version in between: the row is there
                // now, so the next try locks it and compares), or a deadlock or serialization failure: try again
                if (attempt >= 5 || !(JdbcProcessedWebhooks.duplicateKey(e) || transactionRolledBack(e))) {
                    throw new IllegalStateException("recording the version of " + objectId, e);
                }
            }
        }
    }

    private OptionalLong advance(Connection c, String objectId, long version) throws SQLException {
        try (PreparedStatement read =
                c.prepareStatement("SELECT version FROM " + table + " WHERE object_id = ? FOR UPDATE")) {
            read.setString(1, objectId);
            try (ResultSet row = read.executeQuery()) {
                if (row.next()) {
                    long seen = row.getLong(1);
                    if (version < seen) {
                        return OptionalLong.empty();
                    }
                    try (PreparedStatement update =
                            c.prepareStatement("UPDATE " + table + " SET version = ? WHERE object_id = ?")) {
                        update.setLong(1, version);
                        update.setString(2, objectId);
                        update.executeUpdate();
                    }
                    return OptionalLong.of(seen);
                }
            }
        }
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO " + table + " (object_id, version) VALUES (?, ?)")) {
            insert.setString(1, objectId);
            insert.setLong(2, version);
            insert.executeUpdate();
            return OptionalLong.of(0);
        }
    }

    @Override
    public void retract(String objectId, long version, long previous) {
        if (previous >= version) {
            return; // the same version again: nothing was changed
        }
        String sql = previous == 0
                ? "DELETE FROM " + table + " WHERE object_id = ? AND version = ?"
                : "UPDATE " + table + " SET version = ? WHERE object_id = ? AND version = ?";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int i = 1;
                if (previous != 0) {
                    statement.setLong(i++, previous);
                }
                statement.setString(i++, objectId);
                statement.setLong(i, version);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("retracting the version of " + objectId, e);
        }
    }

    /** SQLSTATE class 40: the transaction was rolled back (a deadlock, a serialization failure). */
    private static boolean transactionRolledBack(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("40");
    }
}
