package dev.paygate.bench;

import dev.paygate.contracts.json.PaygateJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** A run's figures and its correctness check, as a table and as JSON. */
public final class Report {

    private final BenchConfig config;
    private final String url;
    RawLimit.Result raw;
    Map<String, String> database;
    private final Map<String, Object> work = new LinkedHashMap<>();
    /** A soak run's table ({@link Soak#table()}), or null. */
    String soak;
    /** A stack in processes of its own: CPU seconds per process in the window ({@link ClusterWatch#stop()}), or null. */
    Map<String, Double> processCpu;
    /** Consumer group → instance → partitions it held at the end ({@link ClusterWatch#assignment}), or null. */
    Map<String, Map<String, Integer>> assignment;
    /** CPU and bank figures of the measured window ({@link BankWatch#stop()}), or null. */
    Map<String, Object> bank;

    /** Database work per accepted change, from PostgreSQL's own counters (whole run, all services). */
    void databaseWork(long[] before, long[] after, long changes) {
        if (changes == 0) {
            return;
        }
        String[] names = {"commits", "rowsInserted", "rowsUpdated", "rowsRead", "statements"};
        for (int i = 0; i < names.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) {
                work.put(names[i] + "PerChange", round((after[i] - before[i]) / (double) changes));
            }
        }
    }

    private final Map<String, Object> chain = new LinkedHashMap<>();
    private final Map<String, Object> correctness = new LinkedHashMap<>();
    private boolean correct;
    private double completedPerSecond;

    Report(BenchConfig config, String url) {
        this.config = config;
        this.url = url;
    }

    public boolean correct() {
        return correct;
    }

    public double completedPerSecond() {
        return completedPerSecond;
    }

    public Map<String, Object> correctness() {
        return correctness;
    }

    /** What each accepted change still lacks: its object id → the statuses whose webhook never came. */
    static Map<String, List<String>> missingWebhooks(Load load, WebhookSink sink) {
        Map<String, List<String>> missing = new TreeMap<>();
        for (Load.Accepted a : load.accepted.values()) {
            List<String> lacks = new ArrayList<>();
            switch (a.kind()) {
                case "refund" -> {
                    if (sink.firstAt(a.objectId(), "pending") == null) {
                        lacks.add("pending");
                    }
                    if (sink.firstAt(a.objectId(), "succeeded") == null
                            && sink.firstAt(a.objectId(), "failed") == null) {
                        lacks.add("succeeded|failed");
                    }
                }
                case "cancel" -> {
                    if (sink.firstAt(a.objectId(), "canceled") == null) {
                        lacks.add("canceled");
                    }
                }
                default -> {
                    if (sink.firstAt(a.objectId(), "expired") == null) {
                        lacks.add("expired");
                    }
                }
            }
            if (!lacks.isEmpty()) {
                missing.put(a.objectId(), lacks);
            }
        }
        return missing;
    }

    void chain(Load load, WebhookSink sink) {
        double seconds = config.duration().toNanos() / 1e9;
        long accepted =
                load.accepted.values().stream().filter(Load.Accepted::measured).count();
        long measuredFrom = load.accepted.values().stream()
                .filter(Load.Accepted::measured)
                .mapToLong(Load.Accepted::startedAt)
                .min()
                .orElse(0);
        long measuredUntil = measuredFrom + config.duration().toNanos();
        Histogram e2e = new Histogram(3_600_000_000_000L, 3);
        long completedInWindow = 0;
        for (Load.Accepted a : load.accepted.values()) {
            if (!a.kind().equals("refund")) {
                continue;
            }
            Long done = sink.firstAt(a.objectId(), "succeeded");
            if (done == null) {
                done = sink.firstAt(a.objectId(), "failed");
            }
            if (done == null) {
                continue;
            }
            if (done >= measuredFrom && done < measuredUntil) {
                completedInWindow++;
            }
            if (a.measured()) {
                e2e.recordValue(Math.max(0, done - a.startedAt()));
            }
        }
        completedPerSecond = completedInWindow / seconds;
        chain.put("requestsSent", load.sent.get());
        chain.put("acceptedPerSecond", round(accepted / seconds));
        chain.put("refundsCompletedPerSecond", round(completedPerSecond));
        Map<String, Object> latencies = new LinkedHashMap<>();
        load.latency.forEach((kind, h) -> latencies.put(kind, percentiles(h)));
        chain.put("apiLatencyMs", latencies);
        Map<String, Object> endToEnd = new LinkedHashMap<>();
        endToEnd.put("count", e2e.getTotalCount());
        endToEnd.put("p50", round(Benchmark.ms(e2e, 50)));
        endToEnd.put("p99", round(Benchmark.ms(e2e, 99)));
        endToEnd.put("max", round(e2e.getMaxValue() / 1e6));
        chain.put("requestToWebhookMs", endToEnd);
        Map<String, Long> errors = new TreeMap<>();
        load.errors.forEach((k, v) -> errors.put(k, v.get()));
        chain.put("errors", errors);
        chain.put("answeredLate202", load.late.get());
        chain.put("webhooksReceived", sink.received.get());
        chain.put("webhookRedeliveries", sink.redeliveries.get());
    }

    /** @param refunded payment id → {amountRefunded shown, amountReceived, sum of accepted refunds} */
    void check(Load load, WebhookSink sink, Map<String, long[]> refunded) {
        long overRefunded = refunded.values().stream()
                .filter(v -> v[0] > v[1] || v[2] > v[1])
                .count();
        long mismatched = refunded.values().stream().filter(v -> v[0] != v[2]).count();
        Map<String, List<String>> missing = missingWebhooks(load, sink);
        long duplicated = sink.duplicatedEvents();
        long errors = load.errors.values().stream()
                .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
                .sum();
        correctness.put("acceptedChanges", load.accepted.size());
        correctness.put("overRefundedPayments", overRefunded);
        correctness.put("paymentsWhoseAmountRefundedDiffers", mismatched);
        correctness.put("acceptedWithoutAllWebhooks", missing.size());
        correctness.put(
                "exampleMissing",
                missing.entrySet().stream()
                        .limit(3)
                        .map(e -> e.getKey() + " " + e.getValue())
                        .toList());
        correctness.put("eventsDuplicatedUnderNewWebhookIds", duplicated);
        correctness.put("errors", errors);
        correct = overRefunded == 0 && mismatched == 0 && missing.isEmpty() && duplicated == 0 && errors == 0;
        correctness.put("passed", correct);
    }

    String json() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("machine", machine());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("target", url);
        run.put("mix", config.mix());
        run.put("concurrency", config.concurrency());
        run.put("offeredRate", config.rate());
        run.put("payments", config.payments());
        run.put("warmupSeconds", config.warmup().toSeconds());
        run.put("durationSeconds", config.duration().toSeconds());
        all.put("run", run);
        if (database != null) {
            all.put("database", database);
        }
        if (raw != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("connections", raw.connections());
            r.put("transactionsPerSecond", round(raw.perSecond()));
            all.put("raw", r);
            all.put("chainToRawRatio", round(completedPerSecond / raw.perSecond()));
        }
        all.put("chain", chain);
        if (!work.isEmpty()) {
            all.put("databaseWork", work);
        }
        if (bank != null) {
            all.put("resources", resources());
        }
        if (processCpu != null) {
            Map<String, Object> processes = new LinkedHashMap<>();
            double completed = completedPerSecond * config.duration().toSeconds();
            processCpu.forEach((name, seconds) -> processes.put(
                    name,
                    Map.of(
                            "cpuSeconds",
                            round(seconds),
                            "cpuMsPerCompleted",
                            completed > 0 ? round(seconds * 1000 / completed) : 0)));
            all.put("processes", processes);
            all.put("partitions", assignment);
        }
        all.put("correctness", correctness);
        return PaygateJson.wire().writerWithDefaultPrettyPrinter().writeValueAsString(all);
    }

    @SuppressWarnings("unchecked")
    String table() {
        StringBuilder t = new StringBuilder("\n");
        Map<String, Object> m = machine();
        t.append(String.format("machine        %s cores, %s, Java %s%n", m.get("cores"), m.get("os"), m.get("java")));
        t.append(String.format(
                "run            %s, mix %s, %s, %d payments, %d s measured after %d s warm-up%n",
                url,
                config.mix(),
                config.rate() > 0 ? config.rate() + " req/s offered" : config.concurrency() + " clients",
                config.payments(),
                config.duration().toSeconds(),
                config.warmup().toSeconds()));
        if (database != null) {
            t.append(String.format(
                    "database       PostgreSQL %s, synchronous_commit %s, fsync %s%n",
                    database.get("server_version"), database.get("synchronous_commit"), database.get("fsync")));
        }
        if (raw != null) {
            t.append(String.format(
                    "raw limit      %,.0f transactions/s (%d connections: insert refund, reserve, outbox)%n",
                    raw.perSecond(), raw.connections()));
        }
        t.append(String.format(
                "chain          %,.1f accepted/s, %,.1f refunds completed/s (final webhook received)%n",
                (Double) chain.get("acceptedPerSecond"), completedPerSecond));
        if (raw != null) {
            t.append(String.format("chain ÷ raw    %.3f%n", completedPerSecond / raw.perSecond()));
        }
        t.append(String.format(
                "%-14s %8s %8s %8s %8s %8s %8s%n", "API latency ms", "count", "p50", "p95", "p99", "p99.9", "max"));
        ((Map<String, Map<String, Object>>) chain.get("apiLatencyMs"))
                .forEach((kind, p) -> t.append(String.format(
                        "  %-12s %8s %8s %8s %8s %8s %8s%n",
                        kind, p.get("count"), p.get("p50"), p.get("p95"), p.get("p99"), p.get("p99.9"), p.get("max"))));
        Map<String, Object> e2e = (Map<String, Object>) chain.get("requestToWebhookMs");
        t.append(String.format(
                "request → webhook ms: p50 %s, p99 %s, max %s (%s refunds)%n",
                e2e.get("p50"), e2e.get("p99"), e2e.get("max"), e2e.get("count")));
        if (!work.isEmpty()) {
            t.append(String.format("database work  per accepted change: %s%n", work));
        }
        if (bank != null) {
            Map<String, Object> r = resources();
            t.append(String.format(
                    "CPU ms/refund  %s JVM (services, broker, bank, load: all in-process) + %s PostgreSQL%n",
                    r.get("jvmCpuMsPerCompleted"), r.get("postgresCpuMsPerCompleted")));
            if (r.containsKey("kafkaRecordsPerAccepted")) {
                t.append(String.format(
                        "Kafka          %s records produced, %s delivered (committed by consumer groups) per "
                                + "accepted change (all topics, the window)%n",
                        r.get("kafkaRecordsPerAccepted"), r.getOrDefault("kafkaRecordsDeliveredPerAccepted", "n/a")));
            }
            t.append(String.format(
                    "bank           %s ms ± %s ms; %s calls in the window, in flight mean %s, max %s%n",
                    config.bankLatency().toMillis(),
                    config.bankJitter().toMillis(),
                    bank.get("bankCallsExecuted"),
                    bank.get("bankCallsInFlightMean"),
                    bank.get("bankCallsInFlightMax")));
        }
        if (processCpu != null) {
            t.append(processes());
        }
        t.append(String.format(
                "errors         %s; answered 202 (late): %s%n", chain.get("errors"), chain.get("answeredLate202")));
        t.append(String.format(
                "webhooks       %s received, %s redeliveries (same webhook-id)%n",
                chain.get("webhooksReceived"), chain.get("webhookRedeliveries")));
        t.append(String.format("correctness    %s %s%n", correct ? "PASSED" : "FAILED", correctness));
        if (soak != null) {
            t.append(soak);
        }
        return t.toString();
    }

    /** Each process's CPU in the window and per refund completed in it; each instance's partitions. */
    private String processes() {
        StringBuilder t = new StringBuilder();
        double completed = completedPerSecond * config.duration().toSeconds();
        t.append(String.format(
                "CPU per process in the window (%.0f refunds completed): seconds, ms per completed refund%n",
                completed));
        double total = 0;
        Map<String, Double> perService = new TreeMap<>();
        for (Map.Entry<String, Double> e : processCpu.entrySet()) {
            t.append(String.format(
                    "  %-26s %8.1f s %8.2f ms%n",
                    e.getKey(), e.getValue(), completed > 0 ? e.getValue() * 1000 / completed : 0));
            if (e.getKey().equals("bank")) {
                continue;
            }
            total += e.getValue();
            perService.merge(e.getKey().replaceAll("-\\d+$", ""), e.getValue(), Double::sum);
        }
        t.append(String.format(
                "  %-26s %8.1f s %8.2f ms%n",
                "Paygate (all but the bank)", total, completed > 0 ? total * 1000 / completed : 0));
        t.append("  by service (instances added): ");
        perService.forEach(
                (k, v) -> t.append(String.format("%s %.2f ms; ", k, completed > 0 ? v * 1000 / completed : 0)));
        t.append(String.format("%npartitions held per instance at the end, by consumer group:%n"));
        ClusterWatch.lines(assignment).forEach(l -> t.append(l).append('\n'));
        return t.toString();
    }

    /** {@link #bank} with CPU per change completed in the window. */
    private Map<String, Object> resources() {
        Map<String, Object> r = new LinkedHashMap<>(bank);
        double completed = completedPerSecond * config.duration().toNanos() / 1e9;
        if (completed > 0 && bank.containsKey("jvmCpuSeconds")) {
            r.put("jvmCpuMsPerCompleted", round((Double) bank.get("jvmCpuSeconds") * 1000 / completed));
            r.put("postgresCpuMsPerCompleted", round((Double) bank.get("postgresCpuSeconds") * 1000 / completed));
            double accepted = chain.get("acceptedPerSecond") instanceof Double perSecond
                    ? perSecond * config.duration().toNanos() / 1e9
                    : 0;
            if (bank.containsKey("kafkaRecordsProduced") && accepted > 0) {
                r.put("kafkaRecordsPerAccepted", round((Long) bank.get("kafkaRecordsProduced") / accepted));
            }
            if (bank.containsKey("kafkaRecordsDelivered") && accepted > 0) {
                r.put("kafkaRecordsDeliveredPerAccepted", round((Long) bank.get("kafkaRecordsDelivered") / accepted));
            }
        }
        r.put("bankLatencyMs", config.bankLatency().toMillis());
        r.put("bankJitterMs", config.bankJitter().toMillis());
        r.put("receiverLatencyMs", config.receiverLatency().toMillis());
        return r;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    private static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        p.put("p50", round(Benchmark.ms(h, 50)));
        p.put("p95", round(Benchmark.ms(h, 95)));
        p.put("p99", round(Benchmark.ms(h, 99)));
        p.put("p99.9", round(Benchmark.ms(h, 99.9)));
        p.put("max", round(h.getMaxValue() / 1e6));
        return p;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
