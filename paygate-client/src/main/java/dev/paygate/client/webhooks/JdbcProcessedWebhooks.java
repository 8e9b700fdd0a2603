package dev.paygate.client.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@link ProcessedWebhooks} in a table of your database, shared by every instance of your receiver: a claim is an
 * INSERT on the primary key, so of two instances given the same webhook at once exactly one gets it. Plain SQL, one
 * statement at a time in autocommit; times are epoch milliseconds, so instances in different time zones agree. Tested
 * on PostgreSQL. Delete old rows with {@link #forgetBefore}.
 *
 * <pre>
 * CREATE TABLE paygate_processed_webhooks (
 *     webhook_id  VARCHAR(255) PRIMARY KEY,
 *     done        BOOLEAN      NOT NULL,
 *     claimed_at  BIGINT       NOT NULL,
 *     claim_token VARCHAR(36))
 * </pre>
 */
public final class JdbcProcessedWebhooks implements ProcessedWebhooks {

    static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final DataSource dataSource;
    private final String table;
    private final Duration claimTimeout;
    private final Clock clock;

    /** In {@code paygate_processed_webhooks}; a claim not done within 5 minutes is taken to be abandoned. */
    public JdbcProcessedWebhooks(DataSource dataSource) {
        this(dataSource, "paygate_processed_webhooks", Duration.ofMinutes(5), Clock.systemUTC());
    }

    /** @param table the table's name, optionally with its schema ({@code shop.paygate_processed_webhooks}) */
    public JdbcProcessedWebhooks(DataSource dataSource, String table, Duration claimTimeout, Clock clock) {
        this.dataSource = dataSource;
        this.table = tableName(table);
        this.claimTimeout = claimTimeout;
        this.clock = clock;
    }

    static String tableName(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        return table;
    }

    /** Creates the table unless it is there (or create it with your migrations: the DDL is above). */
    public JdbcProcessedWebhooks createTableIfMissing() {
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (webhook_id VARCHAR(255) PRIMARY KEY,"
                    + " done BOOLEAN NOT NULL, claimed_at BIGINT NOT NULL, claim_token VARCHAR(36))");
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("creating " + table, e);
        }
    }

    @Override
    public Claim claim(String webhookId) {
        while (true) {
            Claim claim = tryClaim(webhookId);
            if (claim != null) {
                return claim;
            }
            // released between our insert and our look: claim again
        }
    }

    private Claim tryClaim(String webhookId) {
        long now = clock.millis();
        Claim first = Claim.first();
        try (Connection c = connection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + table + " (webhook_id, done, claimed_at, claim_token) VALUES (?, FALSE, ?, ?)")) {
                insert.setString(1, webhookId);
                insert.setLong(2, now);
                insert.setString(3, first.token());
                insert.executeUpdate();
                return first;
            } catch (SQLException e) {
                if (!duplicateKey(e)) {
                    throw e;
                }
            }
            // seen before: take over an abandoned claim, or say what it is
            try (PreparedStatement takeOver = c.prepareStatement(
                    "UPDATE " + table
                            + " SET claimed_at = ?, claim_token = ? WHERE webhook_id = ? AND done = FALSE AND claimed_at < ?")) {
                takeOver.setLong(1, now);
                takeOver.setString(2, first.token());
                takeOver.setString(3, webhookId);
                takeOver.setLong(4, now - claimTimeout.toMillis());
                if (takeOver.executeUpdate() == 1) {
                    return first;
                }
            }
            try (PreparedStatement state = c.prepareStatement("SELECT done FROM " + table + " WHERE webhook_id = ?")) {
                state.setString(1, webhookId);
                try (ResultSet row = state.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    return row.getBoolean(1) ? Claim.DONE : Claim.IN_PROGRESS;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("claiming webhook " + webhookId, e);
        }
    }

    @Override
    public void done(String webhookId) {
        update("UPDATE " + table + " SET done = TRUE, claim_token = NULL WHERE webhook_id = ?", webhookId, null);
    }

    @Override
    public void release(String webhookId, String token) {
        update("DELETE FROM " + table + " WHERE webhook_id = ? AND done = FALSE AND claim_token = ?", webhookId, token);
    }

    /** Forgets the webhooks claimed before {@code cutoff} (keep them longer than Paygate retries: 28 hours). */
    public int forgetBefore(Instant cutoff) {
        try (Connection c = connection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE claimed_at < ?")) {
            delete.setLong(1, cutoff.toEpochMilli());
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("forgetting webhooks", e);
        }
    }

    private void update(String sql, String webhookId, String token) {
        try (Connection c = connection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, webhookId);
            if (token != null) {
                statement.setString(2, token);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook " + webhookId, e);
        }
    }

    /** A connection in autocommit, whatever the pool's default. */
    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** SQLSTATE class 23: integrity constraint violation (here, the primary key). */
    static boolean duplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
