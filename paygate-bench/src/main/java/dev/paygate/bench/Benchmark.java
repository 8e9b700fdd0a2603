package dev.paygate.bench;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.launcher.PaygateStack;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end benchmark (docs/performance.md): the raw database limit first, then refunds through the public API
 * to their webhooks, then a correctness check of everything that was accepted. Prints a table, optionally JSON.
 */
public final class Benchmark {

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("--help="))) {
            System.out.println(BenchConfig.usage());
            return;
        }
        BenchConfig config;
        try {
            config = BenchConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report;
        try {
            report = run(config);
        } catch (Exception | Error e) {
            // exit now: the in-process stack's embedded Kafka leaves threads that would keep this JVM alive for minutes
            System.err.println("[bench] failed: " + e);
            e.printStackTrace();
            System.exit(3);
            return;
        }
        System.out.println(report.table());
        if (config.json() != null) {
            Files.writeString(config.json(), report.json());
            System.out.println("report written to " + config.json().toAbsolutePath());
        }
        System.exit(report.correct() ? 0 : 1);
    }

    /** One whole run; starts (and stops) a stack of its own when the config names no URL. */
    public static Report run(BenchConfig config) throws Exception {
        PaygateStack stack = null;
        FaultStack cluster = null;
        dev.paygate.acquirer.bank.BankServer bank = null;
        String url = config.url();
        String apiKey = config.apiKey();
        String dbUrl = config.dbUrl();
        String dbUser = config.dbUser();
        String dbPassword = config.dbPassword();
        if (config.cluster() > 0) {
            apiKey = "sk_test_" + Ids.randomBase58(32);
            java.nio.file.Path directory = java.nio.file.Path.of("target", "bench-cluster");
            FaultSuite.deleteRecursively(directory);
            FaultStack.Topology topology = FaultStack.Topology.cluster(config.cluster());
            log("starting " + topology.describe() + ", each in a process of its own, under " + directory);
            cluster = new FaultStack(
                    topology,
                    directory,
                    apiKey,
                    "bench-admin-" + Ids.randomBase58(8),
                    List.of("--logging.level.root=WARN", "--logging.level.dev.paygate=WARN"),
                    config.bankLatency().toMillis() + "ms",
                    config.bankJitter().toMillis() + "ms");
            url = String.join(",", cluster.gatewayUrls());
        } else if (url == null) {
            Infrastructure infra = DevInfrastructure.shared();
            dbUrl = infra.createDatabase("bench_" + Long.toHexString(System.nanoTime()));
            dbUser = infra.dbUser();
            dbPassword = infra.dbPassword();
            // the embedded server runs with synchronous_commit off (fast tests); the benchmark measures with it on
            synchronousCommit(dbUrl, dbUser, dbPassword);
            apiKey = "sk_test_" + Ids.randomBase58(32);
            List<String> arguments =
                    new ArrayList<>(List.of("--logging.level.root=WARN", "--logging.level.dev.paygate=WARN"));
            // the bank is a remote system: an HTTP server with its own latency, reached through a connection pool
            bank = new dev.paygate.acquirer.bank.BankServer(
                            dev.paygate.acquirer.bank.BankSettings.of(config.bankLatency(), config.bankJitter()))
                    .start(0);
            arguments.add("--paygate.acquirer.url=http://127.0.0.1:" + bank.port());
            if (config.soak() != null) {
                Soak.shortenTopics(infra.kafkaBootstrap(), dev.paygate.contracts.Topics.ALL);
                arguments.addAll(Soak.stackArguments());
            }
            stack = PaygateStack.start(
                    infra,
                    new PaygateStack.Options(
                            0,
                            new int[] {0, 0, 0},
                            dbUrl,
                            apiKey,
                            "bench-admin-" + Ids.randomBase58(8),
                            true,
                            arguments));
            stack.awaitChainReady(Duration.ofMinutes(2));
            url = "http://localhost:" + stack.gatewayPort();
        }
        try (WebhookSink sink = new WebhookSink(config.receiverLatency())) {
            Api api = new Api(url, apiKey);
            Report report = new Report(config, url);
            if (dbUrl != null) {
                report.database = settings(dbUrl, dbUser, dbPassword);
                log("raw limit: " + config.concurrency() + " connections, "
                        + config.rawDuration().toSeconds() + " s");
                report.raw = RawLimit.run(
                        dbUrl,
                        dbUser,
                        dbPassword,
                        config.concurrency(),
                        config.payments(),
                        Duration.ofSeconds(2).toNanos(),
                        config.rawDuration().toNanos());
            }
            JsonNode endpoint = PaygateJson.wire()
                    .readTree(api.post(
                                    "/api2/webhook-endpoints",
                                    "{\"url\": \""
                                            + sink.url()
                                            + "\", \"enabledEvents\": [\"refund.updated\", \"payment.canceled\", \"session.expired\"],"
                                            + " \"description\": \"paygate-bench\"}")
                            .join()
                            .body());
            if (!endpoint.has("id")) {
                throw new IllegalStateException("could not register the benchmark's webhook endpoint: " + endpoint);
            }
            try {
                log("seeding " + config.payments() + " captured payments");
                List<Load.Seeded> payments = seed(api, config.payments());
                // a soak sends every POST with an Idempotency-Key, so the gateway's keys are part of what it watches
                Load load = new Load(api, config, payments, config.soak() != null);
                Soak soak = config.soak() == null ? null : new Soak(dbUrl, dbUser, dbPassword, load);
                if (soak != null) {
                    soak.start(
                            config.warmup(),
                            Duration.ofMillis(Math.max(5_000, config.soak().toMillis() / 10)));
                }
                log((config.rate() > 0
                                ? "offering " + config.rate() + " requests/s"
                                : config.concurrency() + " clients")
                        + ", " + config.warmup().toSeconds() + " s warm-up, "
                        + config.duration().toSeconds() + " s measured");
                long[] before = dbUrl == null ? null : activity(dbUrl, dbUser, dbPassword);
                BankWatch bankWatch = bank == null
                        ? null
                        : BankWatch.start(
                                bank,
                                config.warmup(),
                                DevInfrastructure.shared().kafkaBootstrap());
                ClusterWatch clusterWatch = cluster == null ? null : ClusterWatch.start(cluster, config.warmup());
                load.run(config.warmup().toNanos(), config.duration().toNanos());
                if (clusterWatch != null) {
                    report.processCpu = clusterWatch.stop();
                    report.assignment = ClusterWatch.assignment(
                            cluster.kafka.bootstrap(), cluster.pids().keySet());
                }
                if (bankWatch != null) {
                    report.bank = bankWatch.stop();
                }
                if (soak != null) {
                    soak.stop();
                    report.soak = soak.table();
                }
                log("draining: waiting up to " + config.drain().toSeconds() + " s for every webhook");
                drain(load, sink, config.drain());
                if (before != null) {
                    long[] after = activity(dbUrl, dbUser, dbPassword);
                    report.databaseWork(before, after, load.accepted.size());
                }
                report.chain(load, sink);
                report.check(load, sink, amountsRefunded(api, payments, load, config.drain()));
                return report;
            } finally {
                api.delete("/api2/webhook-endpoints/" + endpoint.get("id").asString())
                        .join();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (stack != null) {
                stack.close();
                if (config.soak() != null) {
                    Soak.restoreTopics(DevInfrastructure.shared().kafkaBootstrap(), dev.paygate.contracts.Topics.ALL);
                }
            }
            if (bank != null) {
                bank.close();
            }
        }
    }

    static String paymentBody(long amount, String captureMethod) {
        return "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": \"" + captureMethod + "\", "
                + "\"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": \"4111111111111111\", "
                + "\"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"Bench\"}}}";
    }

    /** Captured payments of the largest amount, so refunds never run out (not timed). */
    static List<Load.Seeded> seed(Api api, int n) {
        return seed(api, n, 99_999_999L);
    }

    static List<Load.Seeded> seed(Api api, int n, long amount) {
        return seed(api, n, amount, SEED_OUTCOME_WITHIN);
    }

    static List<Load.Seeded> seed(Api api, int n, long amount, Duration outcomeWithin) {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Load.Seeded>> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquireUninterruptibly();
            created.add(api.post("/api2/payments", paymentBody(amount, "automatic"))
                    .thenCompose(answer -> answer.status() == 202
                            ? outcome(api, answer, outcomeWithin)
                            : CompletableFuture.completedFuture(answer))
                    .whenComplete((a, e) -> inFlight.release())
                    .thenApply(answer -> {
                        JsonNode p = PaygateJson.wire().readTree(answer.body());
                        if (answer.status() != 200
                                || !"succeeded".equals(p.path("status").asString())) {
                            throw new IllegalStateException(
                                    "seeding a payment answered " + answer.status() + ": " + answer.body());
                        }
                        return new Load.Seeded(
                                p.get("id").asString(), p.get("amountReceived").asLong());
                    }));
        }
        return created.stream().map(CompletableFuture::join).toList();
    }

    /** How long seeding waits for a payment answered 202 (its outcome was not known within the reply timeout). */
    static final Duration SEED_OUTCOME_WITHIN = Duration.ofSeconds(60);

    /**
     * A payment answered 202 is still being created: its outcome is read until it is final (not {@code processing}
     * or still missing), or {@code within} is up. Answers the last read.
     */
    static CompletableFuture<Api.Answer> outcome(Api api, Api.Answer accepted, Duration within) {
        String id = PaygateJson.wire().readTree(accepted.body()).path("id").asString();
        long deadline = System.nanoTime() + within.toNanos();
        return poll(api, "/api2/payments/" + id, deadline);
    }

    private static CompletableFuture<Api.Answer> poll(Api api, String path, long deadline) {
        return api.get(path).thenCompose(answer -> {
            boolean pending = answer.status() == 404
                    || (answer.status() == 200
                            && "processing"
                                    .equals(PaygateJson.wire()
                                            .readTree(answer.body())
                                            .path("status")
                                            .asString()));
            if (!pending || System.nanoTime() >= deadline) {
                return CompletableFuture.completedFuture(answer);
            }
            // a bounded wait between reads of a remote resource, off the caller's thread
            return CompletableFuture.supplyAsync(
                            () -> null,
                            CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> poll(api, path, deadline));
        });
    }

    /** Until every accepted change has its webhooks (final status included), or the drain time is up. */
    private static void drain(Load load, WebhookSink sink, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline
                && !Report.missingWebhooks(load, sink).isEmpty()) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // a load tool waiting for stragglers
        }
    }

    /**
     * Each payment's {@code amountRefunded} as the API shows it, once it has caught up with the refunds' events (or
     * the drain time is up): it must equal what the benchmark's accepted refunds add up to.
     */
    private static Map<String, long[]> amountsRefunded(Api api, List<Load.Seeded> payments, Load load, Duration limit) {
        Map<String, Long> expected = new HashMap<>();
        load.accepted.values().stream()
                .filter(a -> a.kind().equals("refund"))
                .forEach(a -> expected.merge(a.paymentId(), a.amount(), Long::sum));
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, long[]> shown = new LinkedHashMap<>();
        while (true) {
            shown.clear();
            for (Load.Seeded p : payments) {
                JsonNode payment = PaygateJson.wire()
                        .readTree(api.get("/api2/payments/" + p.id()).join().body());
                shown.put(p.id(), new long[] {
                    payment.get("amountRefunded").asLong(),
                    payment.get("amountReceived").asLong(),
                    expected.getOrDefault(p.id(), 0L)
                });
            }
            boolean caughtUp = shown.values().stream().allMatch(v -> v[0] == v[2]);
            if (caughtUp || System.nanoTime() >= deadline) {
                return shown;
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    private static void synchronousCommit(String jdbcUrl, String user, String password) throws java.sql.SQLException {
        String database = java.net
                .URI
                .create(jdbcUrl.substring("jdbc:".length()))
                .getPath()
                .substring(1);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE \"" + database + "\" SET synchronous_commit TO on");
        }
    }

    /**
     * The database's counters: commits, rows inserted, updated, read, and SQL statements executed (for the work one
     * change costs). Statements come from {@code pg_stat_statements} (BEGIN, COMMIT and the like left out), when the
     * server preloads it (the embedded one does); else -1.
     */
    private static long[] activity(String jdbcUrl, String user, String password) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            long[] counters = new long[5];
            try (java.sql.ResultSet rs = s.executeQuery("SELECT xact_commit, tup_inserted, tup_updated, tup_fetched "
                    + "FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                for (int i = 0; i < 4; i++) {
                    counters[i] = rs.getLong(i + 1);
                }
            }
            counters[4] = statements(s);
            return counters;
        }
    }

    private static long statements(java.sql.Statement s) {
        try {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (java.sql.ResultSet rs = s.executeQuery("""
                    SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND upper(split_part(ltrim(query), ' ', 1)) NOT IN
                          ('BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'SET', 'SHOW', 'SAVEPOINT', 'RELEASE')""")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return -1; // not preloaded by this server
        }
    }

    /** What bounds the database's commit rate, as a new connection of the stack sees it. */
    private static Map<String, String> settings(String jdbcUrl, String user, String password)
            throws java.sql.SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                java.sql.Statement s = c.createStatement()) {
            for (String name :
                    List.of("server_version", "synchronous_commit", "fsync", "shared_buffers", "max_connections")) {
                try (java.sql.ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    static void log(String line) {
        System.out.println("[bench] " + line);
    }

    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
