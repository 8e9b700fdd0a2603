package dev.paygate.devinfra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Where Kafka and PostgreSQL are: a bootstrap address and a JDBC URL with credentials.
 *
 * @param kafkaSource    how the broker was found: {@code explicit}, {@code testcontainers} or {@code embedded}
 * @param databaseSource likewise for PostgreSQL
 */
public record Infrastructure(
        String kafkaBootstrap,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        String kafkaSource,
        String databaseSource) {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /**
     * Creates a fresh database on the same server (tests that need stores of their own) and returns its
     * JDBC URL. The name is checked, as it can't be bound as a parameter.
     */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return jdbcUrlFor(name);
    }

    /** The JDBC URL of another database on the same server. */
    public String jdbcUrlFor(String database) {
        int query = jdbcUrl.indexOf('?');
        String base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        String params = query < 0 ? "" : jdbcUrl.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
