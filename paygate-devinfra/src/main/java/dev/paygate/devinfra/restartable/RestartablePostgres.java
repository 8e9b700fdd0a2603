package dev.paygate.devinfra.restartable;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server (the embedded binaries) on a fixed data directory and port, with {@code fsync} and
 * {@code synchronous_commit} on as in production, that can be crashed — an immediate shutdown: every backend is
 * killed at once, nothing is checkpointed, the next start runs crash recovery — and started again on the same data.
 */
public final class RestartablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    public RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.port = port == 0 ? FreePorts.pick() : port;
    }

    public synchronized RestartablePostgres start() {
        try {
            Files.createDirectories(dataDirectory);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL on " + dataDirectory, e);
        }
    }

    /** Creates {@code database} unless it exists; answers its JDBC URL. */
    public String database(String database) {
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("bad database name: " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
                Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!exists.next()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
        return jdbcUrl(database);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    /**
     * An immediate shutdown ({@code SIGQUIT} to the postmaster, what {@code pg_ctl stop -m immediate} sends): all
     * connections drop at once and nothing is flushed beyond what was committed. Waits until every server process
     * is gone, then the server can be {@link #start() started} again.
     */
    public synchronized void crash() {
        long postmaster = postmasterPid();
        ProcessHandle handle = ProcessHandle.of(postmaster)
                .orElseThrow(() -> new IllegalStateException("no postmaster with pid " + postmaster));
        List<ProcessHandle> children = handle.children().toList();
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster))
                    .inheritIO()
                    .start()
                    .waitFor();
            handle.onExit().get(30, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot crash PostgreSQL", e);
        }
        release();
    }

    /**
     * Lets go of the old server object (its lock on the data directory); the server itself is already down, so the
     * library logs that it "could not stop postmaster": expected here.
     */
    private void release() {
        try {
            server.close();
        } catch (IOException | RuntimeException alreadyDown) {
            // pg_ctl stop on a server that is not running: nothing to stop
        }
        server = null;
    }

    /** The postmaster's process id (its backends are its children). */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                    .get(0)
                    .trim());
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL is not running on " + dataDirectory, e);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new IllegalStateException("PostgreSQL did not stop cleanly", e);
            }
            server = null;
        }
    }
}
