package dev.paygate.bench;

import dev.paygate.bench.FaultCatalogue.Fault;
import dev.paygate.bench.FaultCatalogue.Run;
import dev.paygate.bench.FaultCatalogue.Settings;
import dev.paygate.bench.FaultReport.Row;
import dev.paygate.bench.Reconciler.Reconciliation;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * The fault suite (docs/reliability.md): Paygate in separate processes on a restartable broker and database, a
 * steady refund/cancel/expire load through the public API, and one fault per scenario — a service killed with
 * SIGKILL and started again, the broker or PostgreSQL crashed and restarted, the bank not answering, the webhook
 * receiver answering 500. After each, requests that failed are sent again with their {@code Idempotency-Key}, and
 * everything is reconciled through the API, the state-change topics and the webhooks received.
 */
public final class FaultSuite {

    private FaultSuite() {}

    /** {@code FaultSuite [short|full] [scenario …]}: prints the table; exits 1 when a zero column is not zero. */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.of(args.length > 0 ? args[0] : "full");
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        List<Row> rows = run(settings, only, Path.of("target", "faults-" + settings.name()));
        System.out.println(FaultReport.table(settings, rows));
        System.exit(rows.stream().allMatch(Row::clean) ? 0 : 1);
    }

    public static List<Row> run(Settings settings, List<String> only, Path directory) throws Exception {
        deleteRecursively(directory);
        // the suite's own Kafka clients complain while the broker is down on purpose
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        String apiKey = "sk_test_" + Ids.randomBase58(32);
        List<String> tuning = List.of(
                // faster than production, so a scenario settles in seconds (the schedule's shape is the same)
                "--paygate.webhooks.retry-schedule=0s,1s,2s,5s,10s,15s,20s,30s",
                "--paygate.refunds.pending-age=5s",
                "--paygate.gateway.auth-failure-limit=1000000");
        List<Row> rows = new ArrayList<>();
        log("starting " + settings.topology().describe() + ", in their own processes under " + directory);
        long starting = System.nanoTime();
        try (FaultStack stack = new FaultStack(
                        settings.topology(),
                        directory,
                        apiKey,
                        "faults-admin-" + Ids.randomBase58(8),
                        tuning,
                        "200ms",
                        "50ms");
                WebhookSink sink = new WebhookSink();
                EventLog events = new EventLog(stack.kafka.bootstrap())) {
            log("started in " + (System.nanoTime() - starting) / 1_000_000_000 + " s");
            Api api = new Api(stack.gatewayUrls(), apiKey);
            awaitChain(api);
            JsonNode endpoint = PaygateJson.wire()
                    .readTree(api.post(
                                    "/api2/webhook-endpoints",
                                    "{\"url\": \""
                                            + sink.url()
                                            + "\", \"enabledEvents\": [\"refund.updated\", \"payment.canceled\", \"session.expired\"],"
                                            + " \"description\": \"fault suite\"}")
                            .join()
                            .body());
            if (!endpoint.has("id")) {
                throw new IllegalStateException("could not register the webhook endpoint: " + endpoint);
            }
            if (settings.name().equals("full") || settings.name().equals("cluster")) {
                // fresh JVMs answer slowly at first (class loading, JIT): a round of load that is not reported
                log("warm-up: one control round, not reported");
                scenario(
                        new Run(stack, sink, settings),
                        api,
                        events,
                        settings.faults().get(0));
            }
            for (Fault fault : settings.faults()) {
                if (!only.isEmpty() && !only.contains(fault.name())) {
                    continue;
                }
                log("scenario " + fault.name() + ": " + fault.what());
                long started = System.nanoTime();
                Row row = scenario(new Run(stack, sink, settings), api, events, fault);
                log(row + " in " + (System.nanoTime() - started) / 1_000_000_000 + " s");
                rows.add(row);
            }
        }
        return rows;
    }

    private static Row scenario(Run run, Api api, EventLog events, Fault fault) {
        Settings s = run.settings();
        List<Load.Seeded> payments =
                Benchmark.seed(api, Math.max(s.payments(), fault.minPayments()), s.paymentAmount());
        BenchConfig config =
                BenchConfig.parse(new String[] {"--rate=" + Math.max(s.rate(), fault.minRate()), "--mix=mixed"});
        Load load = new Load(api, config, payments, true);
        CompletableFuture<Void> running = CompletableFuture.runAsync(
                () -> load.run(0, Duration.ofHours(1).toNanos()),
                java.util.concurrent.Executors.newSingleThreadExecutor(Api.daemon("fault-load")));
        long loadStart = System.nanoTime();
        pause(s.before());
        long faultStart = System.nanoTime();
        fault.inject().accept(run);
        pause(fault.hold().apply(s));
        long faultEnd = System.nanoTime(); // the restart begins, the bank or the receiver is back
        fault.remove().accept(run);
        long undone = System.nanoTime();
        pause(s.after());
        load.stop();
        running.join();

        Set<String> resent = ConcurrentHashMap.newKeySet();
        AtomicLong unresolved = new AtomicLong();
        Duration retryLimit = s.drain().compareTo(Duration.ofMinutes(3)) > 0 ? s.drain() : Duration.ofMinutes(3);
        Set<String> retried = retryFailed(api, load, retryLimit, resent, unresolved);
        Reconciliation result = null;
        long deadline = System.nanoTime() + s.drain().toNanos();
        while (true) {
            result = Reconciler.reconcile(api, events, run.sink(), payments, load);
            // the refunds' statuses as the reconciliation just listed them (an accepted one not listed is lost already)
            Reconciliation listed = result;
            Reconciler.reconcileBank(
                    id -> listed.refundStatuses.getOrDefault(id, "not listed"),
                    run.stack().bankLedger(),
                    load,
                    result);
            if (result.clean() || System.nanoTime() > deadline) {
                break;
            }
            log("not reconciled yet: " + result.examples);
            pause(Duration.ofSeconds(2));
        }
        long unexpected = load.statuses.entrySet().stream()
                .filter(e -> e.getKey() >= 500 && e.getKey() != 502 && e.getKey() != 503 && e.getKey() != 504)
                .mapToLong(e -> e.getValue().get())
                .sum();
        long unavailable = load.statuses.entrySet().stream()
                        .filter(e -> e.getKey() == 502 || e.getKey() == 503 || e.getKey() == 504 || e.getKey() == 0)
                        .mapToLong(e -> e.getValue().get())
                        .sum()
                - load.shed.get();
        long requests =
                load.statuses.values().stream().mapToLong(AtomicLong::get).sum();
        List<String> examples = new ArrayList<>(result.examples);
        load.errors.forEach((k, v) -> examples.add(k + " ×" + v.get()));
        return new Row(
                fault.name(),
                requests,
                load.accepted.size(),
                retried.size(),
                unresolved.get(),
                result.lost,
                result.duplicated,
                result.overRefunds,
                unexpected,
                unavailable,
                load.shed.get(),
                result.eventsMissing,
                result.webhooksMissing,
                result.bankMismatches,
                recovery(load, run.sink(), resent, faultEnd),
                // before: after the load's first moments (half the time before the fault, at most 5 s)
                acceptedPerSecond(
                        load,
                        loadStart
                                + Math.min(
                                        s.before().toNanos() / 2,
                                        Duration.ofSeconds(5).toNanos()),
                        faultStart),
                acceptedPerSecond(load, faultStart, undone),
                examples);
    }

    /**
     * Sends every request without a final answer (none, a 5xx, or a 202) again with its key until it has one; a 200
     * is an accepted change, a refusal must have changed nothing.
     */
    private static Set<String> retryFailed(
            Api api, Load load, Duration limit, Set<String> resent, AtomicLong unresolved) {
        Set<String> completed = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + limit.toNanos();
        // thousands may fail at 200 requests/s: they are sent again side by side, each until it has a final answer
        java.util.concurrent.ExecutorService retrying =
                java.util.concurrent.Executors.newFixedThreadPool(32, Api.daemon("fault-retry"));
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Load.Retry r : load.failed) {
            all.add(CompletableFuture.runAsync(
                    () -> retry(api, load, r, deadline, limit, resent, unresolved, completed), retrying));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        retrying.shutdown();
        return completed;
    }

    private static void retry(
            Api api,
            Load load,
            Load.Retry r,
            long deadline,
            Duration limit,
            Set<String> resent,
            AtomicLong unresolved,
            Set<String> completed) {
        while (true) {
            Api.Answer answer;
            try {
                answer = api.post(r.path(), r.body(), r.key()).join();
            } catch (RuntimeException noAnswer) {
                answer = null;
            }
            // a 202 is not final either: the key answers 409 idempotency_key_in_use until the change is done
            boolean again = answer == null
                    || answer.status() >= 500
                    || answer.status() == 202
                    || (answer.status() == 409 && answer.body().contains("idempotency_key_in_use"));
            if (!again) {
                if (answer.ok()) {
                    String id =
                            PaygateJson.wire().readTree(answer.body()).get("id").asString();
                    long now = System.nanoTime();
                    if (r.kind().endsWith(":create")) {
                        load.created.add(id);
                    } else {
                        // a 202 resolved now was sent during the load: it counts with the changes begun before
                        long started = r.late() ? 0 : now;
                        load.accepted.put(
                                id, new Load.Accepted(r.kind(), id, r.paymentId(), r.amount(), started, now, false));
                        completed.add(id);
                        if (!r.late()) {
                            resent.add(id); // it took effect only now: no part of the recovery
                        }
                    }
                }
                break;
            }
            if (System.nanoTime() > deadline) {
                log("no final answer for " + r + " within " + limit);
                unresolved.incrementAndGet();
                break;
            }
            pause(Duration.ofMillis(500));
        }
    }

    /**
     * From the moment the fault was undone until the API gives final answers again (the last answer that was none, a
     * 5xx or a 202) and every change accepted before has come back by webhook.
     */
    private static double recovery(Load load, WebhookSink sink, Set<String> resent, long faultEnd) {
        long recovered = Math.max(faultEnd, load.lastUnfinishedAt.get());
        for (Load.Accepted a : load.accepted.values()) {
            if (resent.contains(a.objectId()) || a.startedAt() >= faultEnd) {
                continue;
            }
            Long done = switch (a.kind()) {
                case "refund" ->
                    sink.firstAt(a.objectId(), "succeeded") != null
                            ? sink.firstAt(a.objectId(), "succeeded")
                            : sink.firstAt(a.objectId(), "failed");
                case "cancel" -> sink.firstAt(a.objectId(), "canceled");
                default -> sink.firstAt(a.objectId(), "expired");
            };
            if (done != null) {
                recovered = Math.max(recovered, done);
            }
        }
        return (recovered - faultEnd) / 1e9;
    }

    /** Changes accepted per second with their answer between {@code from} and {@code until}; NaN for no window. */
    private static double acceptedPerSecond(Load load, long from, long until) {
        if (until - from < 1_000_000_000L) {
            return Double.NaN;
        }
        long n = load.accepted.values().stream()
                .filter(a -> a.answeredAt() >= from && a.answeredAt() < until)
                .count();
        return n / ((until - from) / 1e9);
    }

    /** Until the chain answers: a session created and expired through the API. */
    private static void awaitChain(Api api) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                Api.Answer created = api.post("/api2/sessions", "{\"amount\": 1000, \"currency\": \"EUR\"}")
                        .join();
                if (created.status() == 200) {
                    String id = PaygateJson.wire()
                            .readTree(created.body())
                            .get("id")
                            .asString();
                    if (api.post("/api2/sessions/" + id + "/expire", null)
                                    .join()
                                    .status()
                            == 200) {
                        return;
                    }
                }
            } catch (RuntimeException notYet) {
                // not answering yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the chain did not answer within 2 minutes");
            }
            pause(Duration.ofMillis(500));
        }
    }

    static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos()); // the scenario's timeline (load keeps running), not waiting for an outcome
    }

    static void deleteRecursively(Path directory) throws java.io.IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    static void log(String line) {
        System.out.println("[faults] " + line);
    }
}
