package dev.paygate.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * {@code ./bench --soak=20m}: steady load with every retention window shortened to minutes, so that what would take
 * weeks in production happens in the run; each table that retention bounds is sampled (rows and size on disk) while
 * the load runs, beside the throughput of each interval. The tables must stay flat once the longest window has passed
 * (the warm-up is at least that long), while the throughput does not drop. Tables that hold what merchants keep
 * (payments, refunds) are sampled too: they grow, as they should.
 */
final class Soak {

    /** The windows of the run: the order the services check them in holds (inbox and events outlive a record). */
    static final Duration TOPIC_RETENTION = Duration.ofMinutes(1);

    static final Duration TOPIC_SEGMENT = Duration.ofSeconds(30);
    static final Duration OUTBOX = Duration.ofMinutes(2);
    static final Duration IDEMPOTENCY = Duration.ofMinutes(2);
    static final Duration INBOX = Duration.ofMinutes(3);
    static final Duration WEBHOOK_EVENTS = Duration.ofMinutes(3);
    static final Duration MARGIN = Duration.ofSeconds(30);
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /** The longest window plus two purge intervals: from then on every bounded table is at its steady size. */
    static final Duration STEADY_AFTER = WEBHOOK_EVENTS.plus(INTERVAL).plus(INTERVAL);

    /** schema.table: bounded by retention (true), or kept for good (false). */
    static final Map<String, Boolean> TABLES = tables();

    private static Map<String, Boolean> tables() {
        Map<String, Boolean> t = new LinkedHashMap<>();
        for (String schema : List.of("payment", "refund", "webhook")) {
            t.put(schema + ".outbox", true);
            t.put(schema + ".inbox", true);
        }
        t.put("webhook.events", true);
        t.put("webhook.deliveries", true);
        t.put("webhook.delivery_attempts", true);
        t.put("gateway.idempotency_keys", true);
        t.put("payment.payments", false);
        t.put("refund.refunds", false);
        return t;
    }

    /** The services' settings for the run. */
    static List<String> stackArguments() {
        return List.of(
                "--paygate.kafka.topic-retention=" + TOPIC_RETENTION.toSeconds() + "s",
                "--paygate.kafka.topic-segment=" + TOPIC_SEGMENT.toSeconds() + "s",
                "--paygate.retention.interval=" + INTERVAL.toSeconds() + "s",
                "--paygate.retention.outbox=" + OUTBOX.toSeconds() + "s",
                "--paygate.retention.inbox=" + INBOX.toSeconds() + "s",
                "--paygate.retention.redelivery-margin=" + MARGIN.toSeconds() + "s",
                "--paygate.retention.idempotency-window=" + IDEMPOTENCY.toSeconds() + "s",
                "--paygate.gateway.idempotency-retention=" + IDEMPOTENCY.toSeconds() + "s",
                "--paygate.webhooks.retention=" + WEBHOOK_EVENTS.toSeconds() + "s");
    }

    /**
     * The topics keep records for {@link #TOPIC_RETENTION} in segments of {@link #TOPIC_SEGMENT}, so the inboxes'
     * minutes are long enough (the services check it at start-up, as they would on an operator's cluster).
     */
    static void shortenTopics(String bootstrap, Collection<String> topics) throws Exception {
        alterTopics(bootstrap, topics, AlterConfigOp.OpType.SET);
    }

    /** Gives the topics back the broker's defaults (the infrastructure may serve more than this run). */
    static void restoreTopics(String bootstrap, Collection<String> topics) throws Exception {
        alterTopics(bootstrap, topics, AlterConfigOp.OpType.DELETE);
    }

    private static void alterTopics(String bootstrap, Collection<String> topics, AlterConfigOp.OpType op)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
            for (String topic : topics) {
                changes.put(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(
                                new AlterConfigOp(
                                        new ConfigEntry("retention.ms", Long.toString(TOPIC_RETENTION.toMillis())), op),
                                new AlterConfigOp(
                                        new ConfigEntry("segment.ms", Long.toString(TOPIC_SEGMENT.toMillis())), op)));
            }
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** One look at the tables. */
    record Sample(
            String label,
            long atNanos,
            long atMillis,
            Map<String, long[]> tables,
            long accepted,
            double acceptedPerSecond,
            double p50Millis,
            double p99Millis,
            long failures) {}

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Load load;
    private final List<Sample> samples = new ArrayList<>();
    private final long startedAt = System.nanoTime();
    private ScheduledExecutorService sampler;

    Soak(String jdbcUrl, String user, String password, Load load) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.load = load;
    }

    /** Samples at the end of the warm-up and then every {@code every} until {@link #stop()}. */
    void start(Duration warmup, Duration every) {
        sampler = Executors.newSingleThreadScheduledExecutor(Api.daemon("bench-soak"));
        sampler.scheduleAtFixedRate(
                () -> {
                    try {
                        Sample s = sample();
                        synchronized (samples) {
                            samples.add(s);
                        }
                        Benchmark.log(line(s));
                    } catch (SQLException | RuntimeException e) {
                        Benchmark.log("soak sample failed: " + e);
                    }
                },
                warmup.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        sampler.shutdownNow();
    }

    private Sample sample() throws SQLException {
        Map<String, long[]> tables = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                Statement s = c.createStatement()) {
            for (String table : TABLES.keySet()) {
                try (ResultSet rs =
                        s.executeQuery("SELECT count(*), pg_total_relation_size('" + table + "') FROM " + table)) {
                    rs.next();
                    tables.put(table, new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        long now = System.nanoTime();
        long accepted = load.accepted.size();
        long failures = load.statuses.entrySet().stream()
                .filter(e -> e.getKey() == 0 || e.getKey() >= 500)
                .mapToLong(e -> e.getValue().get())
                .sum();
        Sample previous;
        synchronized (samples) {
            previous = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        }
        long atMillis = (now - startedAt) / 1_000_000;
        double perSecond = previous == null
                ? accepted / (atMillis / 1000.0)
                : (accepted - previous.accepted()) / ((atMillis - previous.atMillis()) / 1000.0);
        // API latency of the changes answered in this interval, from each request's intended start
        long from = previous == null ? startedAt : previous.atNanos();
        long[] latencies = load.accepted.values().stream()
                .filter(a -> a.answeredAt() > from && a.answeredAt() <= now)
                .mapToLong(a -> a.answeredAt() - a.startedAt())
                .sorted()
                .toArray();
        return new Sample(
                clock(atMillis),
                now,
                atMillis,
                tables,
                accepted,
                perSecond,
                percentile(latencies, 50),
                percentile(latencies, 99),
                failures);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static String clock(long millis) {
        return "%d:%02d".formatted(millis / 60_000, millis / 1000 % 60);
    }

    private static String line(Sample s) {
        StringBuilder b =
                new StringBuilder("soak t=" + s.label() + " accepted/s=" + "%.1f".formatted(s.acceptedPerSecond())
                        + " p99=" + "%.0f".formatted(s.p99Millis()) + "ms failures=" + s.failures());
        s.tables()
                .forEach((table, v) -> b.append(" | ").append(table).append(' ').append(v[0]));
        return b.toString();
    }

    /** Rows and size of each table at the first, middle and last sample, and the throughput of every interval. */
    String table() {
        List<Sample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        if (all.size() < 3) {
            return "soak: fewer than three samples, nothing to compare\n";
        }
        Sample first = all.get(0);
        Sample middle = all.get(all.size() / 2);
        Sample last = all.get(all.size() - 1);
        StringBuilder b = new StringBuilder();
        b.append(
                "\nSoak: windows outbox %s, inbox %s, webhook events %s, idempotency keys %s; topics %s + %s segments; purge every %s\n"
                        .formatted(
                                human(OUTBOX),
                                human(INBOX),
                                human(WEBHOOK_EVENTS),
                                human(IDEMPOTENCY),
                                human(TOPIC_RETENTION),
                                human(TOPIC_SEGMENT),
                                human(INTERVAL)));
        b.append("| table | bounded | rows at %s | at %s | at %s | size at %s | at %s | at %s |\n"
                .formatted(first.label(), middle.label(), last.label(), first.label(), middle.label(), last.label()));
        b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, Boolean> t : TABLES.entrySet()) {
            long[] a = first.tables().get(t.getKey());
            long[] m = middle.tables().get(t.getKey());
            long[] z = last.tables().get(t.getKey());
            b.append("| %s | %s | %d | %d | %d | %s | %s | %s |\n"
                    .formatted(
                            t.getKey(),
                            t.getValue() ? "yes" : "no (kept)",
                            a[0],
                            m[0],
                            z[0],
                            kib(a[1]),
                            kib(m[1]),
                            kib(z[1])));
        }
        b.append("\n| interval ending | accepted/s | API p50 ms | API p99 ms | failures (none, 5xx) so far |\n"
                + "| --- | ---: | ---: | ---: | ---: |\n");
        for (Sample s : all) {
            b.append("| %s | %.1f | %.0f | %.0f | %d |\n"
                    .formatted(s.label(), s.acceptedPerSecond(), s.p50Millis(), s.p99Millis(), s.failures()));
        }
        return b.toString();
    }

    private static String kib(long bytes) {
        return bytes >= 10 * 1024 * 1024 ? "%d MiB".formatted(bytes / (1024 * 1024)) : "%d KiB".formatted(bytes / 1024);
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
