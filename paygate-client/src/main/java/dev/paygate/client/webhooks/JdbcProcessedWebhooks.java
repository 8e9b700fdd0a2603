package dev.paygate.client.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * {@link ProcessedWebhooks} in a table of your database, shared by every instance of your receiver: a claim is an
 * INSERT on the primary key, so of two instances given the same webhook at once exactly one gets it. Plain SQL
 * (PostgreSQL, MySQL, H2 …), one statement per call in autocommit. Delete old rows with {@link #forgetBefore}.
 *
 * <pre>
 * CREATE TABLE paygate_processed_webhooks (
 *     webhook_id VARCHAR(255) PRIMARY KEY,
 *     done       BOOLEAN      NOT NULL,
 *     claimed_at TIMESTAMP    NOT NULL)
 * </pre>
 */
public final class JdbcProcessedWebhooks implements ProcessedWebhooks {

    static final String TABLE = "CREATE TABLE IF NOT EXISTS paygate_processed_webhooks ("
            + " webhook_id VARCHAR(255) PRIMARY KEY, done BOOLEAN NOT NULL, claimed_at TIMESTAMP NOT NULL)";

    private final DataSource dataSource;
    private final Duration claimTimeout;
    private final Clock clock;

    /** A claim not done within 5 minutes is taken to be abandoned. */
    public JdbcProcessedWebhooks(DataSource dataSource) {
        this(dataSource, Duration.ofMinutes(5), Clock.systemUTC());
    }

    public JdbcProcessedWebhooks(DataSource dataSource, Duration claimTimeout, Clock clock) {
        this.dataSource = dataSource;
        this.claimTimeout = claimTimeout;
        this.clock = clock;
    }

    /** Creates the table unless it is there (or create it with your migrations: the DDL is above). */
    public JdbcProcessedWebhooks createTableIfMissing() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(TABLE);
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("creating paygate_processed_webhooks", e);
        }
    }

    @Override
    public Claim claim(String webhookId) {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO paygate_processed_webhooks (webhook_id, done, claimed_at) VALUES (?, FALSE, ?)")) {
                insert.setString(1, webhookId);
                insert.setTimestamp(2, now);
                insert.executeUpdate();
                return Claim.FIRST;
            } catch (SQLException e) {
                if (!duplicateKey(e)) {
                    throw e;
                }
            }
            // seen before: take over an abandoned claim, or say what it is
            try (PreparedStatement takeOver = c.prepareStatement("UPDATE paygate_processed_webhooks SET claimed_at = ?"
                    + " WHERE webhook_id = ? AND done = FALSE AND claimed_at < ?")) {
                takeOver.setTimestamp(1, now);
                takeOver.setString(2, webhookId);
                takeOver.setTimestamp(3, Timestamp.from(clock.instant().minus(claimTimeout)));
                if (takeOver.executeUpdate() == 1) {
                    return Claim.FIRST;
                }
            }
            try (PreparedStatement state =
                    c.prepareStatement("SELECT done FROM paygate_processed_webhooks WHERE webhook_id = ?")) {
                state.setString(1, webhookId);
                try (ResultSet row = state.executeQuery()) {
                    if (!row.next()) {
                        return claim(webhookId); // released in between: try again
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
        update("UPDATE paygate_processed_webhooks SET done = TRUE WHERE webhook_id = ?", webhookId);
    }

    @Override
    public void release(String webhookId) {
        update("DELETE FROM paygate_processed_webhooks WHERE webhook_id = ? AND done = FALSE", webhookId);
    }

    /** Forgets the webhooks claimed before {@code cutoff} (keep them longer than Paygate retries: 28 hours). */
    public int forgetBefore(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete =
                        c.prepareStatement("DELETE FROM paygate_processed_webhooks WHERE claimed_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("forgetting webhooks", e);
        }
    }

    private void update(String sql, String webhookId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, webhookId);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook " + webhookId, e);
        }
    }

    /** SQLSTATE class 23: integrity constraint violation (here, the primary key). */
    static boolean duplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
