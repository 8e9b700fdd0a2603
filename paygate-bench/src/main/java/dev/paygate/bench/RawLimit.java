package dev.paygate.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The physical limit of the same PostgreSQL: the bare transaction one refund needs — insert the refund, reserve its
 * amount with one conditional update (the balance CHECK as in refund-service), insert the outbox row — committed by
 * {@code concurrency} connections for a while, in a scratch schema that is dropped afterwards.
 */
final class RawLimit {

    record Result(int connections, double seconds, long transactions) {
        double perSecond() {
            return transactions / seconds;
        }
    }

    static Result run(
            String jdbcUrl,
            String user,
            String password,
            int connections,
            int payments,
            long warmupNanos,
            long durationNanos)
            throws Exception {
        String schema =
                "bench_raw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(jdbcUrl, user, password);
                Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("SET search_path TO " + schema);
            s.execute("""
                    CREATE TABLE payments (payment_id TEXT PRIMARY KEY, amount_received BIGINT NOT NULL,
                        refund_reserved BIGINT NOT NULL DEFAULT 0,
                        CHECK (refund_reserved >= 0 AND refund_reserved <= amount_received))""");
            s.execute("""
                    CREATE TABLE refunds (id TEXT PRIMARY KEY, seq BIGSERIAL, payment_id TEXT NOT NULL
                        REFERENCES payments (payment_id), amount BIGINT NOT NULL CHECK (amount > 0), status TEXT NOT NULL,
                        version BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                        updated_at TIMESTAMPTZ NOT NULL DEFAULT now())""");
            s.execute("""
                    CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
                        type TEXT NOT NULL, topic TEXT NOT NULL, message_key TEXT NOT NULL, headers JSONB NOT NULL,
                        payload TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), published_at TIMESTAMPTZ)""");
            s.execute("CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL");
            s.execute("INSERT INTO payments SELECT 'p_' || g, 99999999, 0 FROM generate_series(1, " + payments + ") g");
        }
        try {
            AtomicLong committed = new AtomicLong();
            long start = System.nanoTime();
            long measureFrom = start + warmupNanos;
            long until = measureFrom + durationNanos;
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Thread t = new Thread(
                        () -> loop(jdbcUrl, user, password, schema, payments, measureFrom, until, committed),
                        "bench-raw-" + i);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            return new Result(connections, durationNanos / 1e9, committed.get());
        } finally {
            try (Connection admin = DriverManager.getConnection(jdbcUrl, user, password);
                    Statement s = admin.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void loop(
            String jdbcUrl,
            String user,
            String password,
            String schema,
            int payments,
            long measureFrom,
            long until,
            AtomicLong committed) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + schema);
            }
            c.setAutoCommit(false);
            try (PreparedStatement refund = c.prepareStatement(
                            "INSERT INTO refunds (id, payment_id, amount, status, version) VALUES (?, ?, ?, 'pending', 1)");
                    PreparedStatement reserve =
                            c.prepareStatement("UPDATE payments SET refund_reserved = refund_reserved + ? "
                                    + "WHERE payment_id = ? AND refund_reserved + ? <= amount_received");
                    PreparedStatement outbox =
                            c.prepareStatement("INSERT INTO outbox (aggregate_type, aggregate_id, type, "
                                    + "topic, message_key, headers, payload) VALUES ('refund', ?, 'refund.updated', "
                                    + "'paygate.refund-events.v1', ?, '{}'::jsonb, ?)")) {
                while (true) {
                    long now = System.nanoTime();
                    if (now >= until) {
                        return;
                    }
                    String payment = "p_" + (1 + ThreadLocalRandom.current().nextInt(payments));
                    String id = "re_" + UUID.randomUUID();
                    long amount = 1 + ThreadLocalRandom.current().nextInt(100);
                    reserve.setLong(1, amount);
                    reserve.setString(2, payment);
                    reserve.setLong(3, amount);
                    reserve.executeUpdate();
                    refund.setString(1, id);
                    refund.setString(2, payment);
                    refund.setLong(3, amount);
                    refund.executeUpdate();
                    outbox.setString(1, id);
                    outbox.setString(2, payment);
                    outbox.setString(
                            3,
                            "{\"id\":\"" + id + "\",\"paymentId\":\"" + payment + "\",\"amount\":" + amount
                                    + ",\"status\":\"pending\",\"version\":1}");
                    outbox.executeUpdate();
                    c.commit();
                    if (now >= measureFrom) {
                        committed.incrementAndGet();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("raw-limit transaction failed", e);
        }
    }

    private RawLimit() {}
}
