package dev.paygate.bench;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The fault suite (README "Reliability"): Paygate in separate processes on a restartable broker and database, a
 * steady refund/cancel/expire load through the public API, and one fault per scenario — a service killed with
 * SIGKILL and started again, the broker or PostgreSQL crashed and restarted, the bank not answering, the webhook
 * receiver answering 500. After each, requests that failed are sent again with their {@code Idempotency-Key}, and
 * everything is reconciled through the API, the state-change topics and the webhooks received.
 */
public final class FaultSuite {

    /**
     * How long each part of a scenario lasts, on which stack: {@code short} in {@code ./mvnw verify}, {@code full} by
     * hand (one broker, one instance of each service); {@code cluster-short} in {@code ./mvnw verify} and
     * {@code cluster} by hand ({@code ./faults --cluster}: three brokers, two instances of each service, a PostgreSQL
     * server per service, at least 200 requests/s offered).
     *
     * @param freeze how long a frozen ("zombie") instance stays frozen: longer than the consumer session timeout
     * @param only   the scenarios this setting runs (empty: all of its topology's; the short cluster suite leaves out
     *               the control round, which the single-node one runs, to stay within CI's time)
     */
    record Settings(
            String name,
            FaultStack.Topology topology,
            double rate,
            int payments,
            long paymentAmount,
            Duration before,
            Duration down,
            Duration bankOutage,
            Duration receiverOutage,
            Duration after,
            Duration drain,
            Duration freeze,
            List<String> only) {

        /** {@code -Dpaygate.faults.rate=N} offers N requests/s instead of the mode's rate. */
        static Settings of(String name) {
            Settings settings = byName(name);
            String rate = System.getProperty("paygate.faults.rate", "");
            return rate.isBlank()
                    ? settings
                    : new Settings(
                            settings.name(),
                            settings.topology(),
                            Double.parseDouble(rate),
                            settings.payments(),
                            settings.paymentAmount(),
                            settings.before(),
                            settings.down(),
                            settings.bankOutage(),
                            settings.receiverOutage(),
                            settings.after(),
                            settings.drain(),
                            settings.freeze(),
                            settings.only());
        }

        private static Settings byName(String name) {
            return switch (name) {
                case "short" ->
                    new Settings(
                            "short",
                            FaultStack.Topology.SINGLE,
                            10,
                            6,
                            1500,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(6),
                            Duration.ofSeconds(3),
                            Duration.ofSeconds(90),
                            Duration.ZERO,
                            List.of());
                case "full" ->
                    new Settings(
                            "full",
                            FaultStack.Topology.SINGLE,
                            15,
                            30,
                            1500,
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(60),
                            Duration.ofSeconds(20),
                            Duration.ofMinutes(4),
                            Duration.ZERO,
                            List.of());
                case "cluster-short" ->
                    new Settings(
                            "cluster-short",
                            FaultStack.Topology.of("cluster"),
                            30,
                            30,
                            1500,
                            Duration.ofSeconds(3),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(6),
                            Duration.ofSeconds(3),
                            Duration.ofMinutes(2),
                            Duration.ofSeconds(15),
                            List.of("broker-kill", "instance-kill", "zombie"));
                case "cluster" ->
                    new Settings(
                            "cluster",
                            FaultStack.Topology.of("cluster"),
                            200,
                            300,
                            1500,
                            Duration.ofSeconds(15),
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(15),
                            Duration.ofMinutes(6),
                            Duration.ofSeconds(25),
                            List.of());
                default -> throw new IllegalArgumentException("mode is short, full, cluster-short or cluster: " + name);
            };
        }

        List<Fault> faults() {
            List<Fault> all = topology.brokers() > 1 ? CLUSTER_FAULTS : FAULTS;
            return all.stream()
                    .filter(f -> only.isEmpty() || only.contains(f.name()))
                    .toList();
        }
    }

    /** One fault: what is done to the stack, for how long, and how it is undone. */
    record Fault(
            String name,
            String what,
            Consumer<Run> inject,
            Consumer<Run> remove,
            java.util.function.Function<Settings, Duration> hold,
            double minRate,
            int minPayments) {

        Fault(
                String name,
                String what,
                Consumer<Run> inject,
                Consumer<Run> remove,
                java.util.function.Function<Settings, Duration> hold) {
            this(name, what, inject, remove, hold, 0, 0);
        }
    }

    /** Bank calls in flight when payment- and refund-service are killed in {@code bank-calls-kill}. */
    static final int CALLS_IN_FLIGHT_AT_KILL = 100;

    /** What a scenario works on. */
    record Run(FaultStack stack, WebhookSink sink, Settings settings) {}

    static final List<Fault> FAULTS = List.of(
            new Fault("none", "no fault: the control run", r -> {}, r -> {}, s -> Duration.ZERO),
            kill("refund-service"),
            kill("payment-service"),
            kill("webhook-dispatcher"),
            kill("gateway-api"),
            new Fault(
                    "kafka-restart",
                    "the broker killed (SIGKILL) and started again on its data",
                    r -> r.stack().kafka.kill(),
                    r -> r.stack().kafka.start(dev.paygate.contracts.Topics.ALL, 12, Duration.ofMinutes(2)),
                    Settings::down),
            new Fault(
                    "postgres-restart",
                    "PostgreSQL crashed (immediate shutdown) and started again",
                    r -> r.stack().postgres("payment-service").crash(),
                    r -> r.stack().postgres("payment-service").start(),
                    Settings::down),
            new Fault(
                    "bank-timeout",
                    "the bank does not answer: every call times out",
                    r -> r.stack().bankDown(true),
                    r -> r.stack().bankDown(false),
                    Settings::bankOutage),
            new Fault(
                    "webhook-500",
                    "the merchant's webhook receiver answers 500",
                    r -> r.sink().failing = true,
                    r -> r.sink().failing = false,
                    Settings::receiverOutage),
            new Fault(
                    "bank-calls-kill",
                    "payment- and refund-service killed (SIGKILL) with at least "
                            + CALLS_IN_FLIGHT_AT_KILL + " calls at the bank (slowed to "
                            + FaultStack.BANK_SLOW_LATENCY.toSeconds()
                            + " s a call), started again",
                    r -> {
                        r.stack().bankSlow(true);
                        awaitBankCallsInFlight(r.stack(), CALLS_IN_FLIGHT_AT_KILL, Duration.ofSeconds(90));
                        r.stack().kill("payment-service");
                        r.stack().kill("refund-service");
                    },
                    r -> {
                        r.stack().bankSlow(false);
                        r.stack().start("payment-service");
                        r.stack().start("refund-service");
                    },
                    // one payment's bank calls run one after another: many payments make many calls at once
                    Settings::down,
                    20,
                    200));

    /** The faults of a cluster: each hits one part of it, the rest must carry on. */
    static final List<Fault> CLUSTER_FAULTS = List.of(
            new Fault("none", "no fault: the control run", r -> {}, r -> {}, s -> Duration.ZERO),
            new Fault(
                    "broker-kill",
                    "the broker leading the busiest partitions killed (SIGKILL), started again",
                    r -> {
                        int leader =
                                r.stack().kafka.busiestLeader(dev.paygate.contracts.Topics.ALL, Duration.ofSeconds(30));
                        log("killing broker " + leader + ", the busiest leader");
                        r.stack().kafka.kill(leader);
                    },
                    r -> restartDeadBrokers(r.stack()),
                    Settings::down),
            new Fault(
                    "broker-rolling",
                    "a rolling restart of the three brokers (SIGTERM, start, wait until in sync)",
                    r -> {
                        for (int node = 1; node <= r.stack().kafka.size(); node++) {
                            r.stack().kafka.stop(node);
                            r.stack().kafka.start(node, Duration.ofMinutes(3));
                        }
                    },
                    r -> {},
                    s -> Duration.ZERO),
            new Fault(
                    "instance-kill",
                    "one instance of every service killed (SIGKILL) at once, started again",
                    r -> FaultStack.SERVICES.forEach(
                            s -> r.stack().kill(r.stack().instancesOf(s).get(0))),
                    // started again side by side, as an orchestrator restarts what died
                    r -> CompletableFuture.allOf(FaultStack.SERVICES.stream()
                                    .map(s -> CompletableFuture.runAsync(() -> r.stack()
                                            .start(r.stack().instancesOf(s).get(0))))
                                    .toArray(CompletableFuture[]::new))
                            .join(),
                    Settings::down),
            new Fault(
                    "service-rolling",
                    "a rolling restart of every service: the first instance of each stopped (SIGTERM)"
                            + " and started until healthy, then the second",
                    r -> {
                        for (int i = 0; i < r.stack().topology().instances(); i++) {
                            int n = i;
                            CompletableFuture.allOf(FaultStack.SERVICES.stream()
                                            .map(s -> CompletableFuture.runAsync(() -> {
                                                String instance =
                                                        r.stack().instancesOf(s).get(n);
                                                r.stack().stop(instance);
                                                r.stack().start(instance);
                                            }))
                                            .toArray(CompletableFuture[]::new))
                                    .join();
                        }
                    },
                    r -> {},
                    s -> Duration.ZERO),
            new Fault(
                    "postgres-crash",
                    "refund-service's PostgreSQL crashed (immediate shutdown), started again",
                    r -> r.stack().postgres("refund-service").crash(),
                    r -> r.stack().postgres("refund-service").start(),
                    Settings::down),
            new Fault(
                    "bank-down",
                    "the bank does not answer: every call times out",
                    r -> r.stack().bankDown(true),
                    r -> r.stack().bankDown(false),
                    Settings::bankOutage),
            new Fault(
                    "receiver-slow-then-failing",
                    "the webhook receiver answers after 5 s, then answers 500",
                    r -> {
                        r.sink().latency = Duration.ofSeconds(5);
                        pause(r.settings().receiverOutage().dividedBy(2));
                        r.sink().latency = Duration.ZERO;
                        r.sink().failing = true;
                    },
                    r -> r.sink().failing = false,
                    s -> s.receiverOutage().dividedBy(2)),
            new Fault(
                    "zombie",
                    "refund-service-1 frozen (SIGSTOP) beyond the consumer session timeout, then woken"
                            + " (SIGCONT): its partitions moved on, it must not commit stale work",
                    r -> r.stack()
                            .freeze(r.stack().instancesOf("refund-service").get(0), true),
                    r -> r.stack()
                            .freeze(r.stack().instancesOf("refund-service").get(0), false),
                    Settings::freeze));

    private static void restartDeadBrokers(FaultStack stack) {
        for (int node = 1; node <= stack.kafka.size(); node++) {
            if (!stack.kafka.alive(node)) {
                stack.kafka.start(node, Duration.ofMinutes(3));
            }
        }
    }

    private static void awaitBankCallsInFlight(FaultStack stack, int calls, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int now;
        while ((now = stack.bankStats().path("inFlight").asInt()) < calls) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + now + " calls at the bank after " + within);
            }
            pause(Duration.ofMillis(100));
        }
        log(now + " calls at the bank: killing payment-service and refund-service");
    }

    private static Fault kill(String service) {
        return new Fault(
                service + "-kill",
                service + " killed (SIGKILL) mid-load and started again",
                r -> r.stack().kill(service),
                r -> r.stack().start(service),
                Settings::down);
    }

    /** One scenario's figures; the zero columns must be zero. */
    record Row(
            String scenario,
            long requests,
            long accepted,
            long retried,
            long unresolved,
            long lost,
            long duplicated,
            long overRefunds,
            long unexpected5xx,
            long unavailable5xx,
            long shed,
            long eventsMissing,
            long webhooksMissing,
            long bankMismatches,
            double recoverySeconds,
            double ratePerSecondBefore,
            double ratePerSecondDuring,
            List<String> examples) {

        boolean clean() {
            return unresolved == 0
                    && lost == 0
                    && duplicated == 0
                    && overRefunds == 0
                    && unexpected5xx == 0
                    && eventsMissing == 0
                    && webhooksMissing == 0
                    && bankMismatches == 0;
        }
    }

    private FaultSuite() {}

    /** {@code FaultSuite [short|full] [scenario …]}: prints the table; exits 1 when a zero column is not zero. */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.of(args.length > 0 ? args[0] : "full");
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        List<Row> rows = run(settings, only, Path.of("target", "faults-" + settings.name()));
        System.out.println(table(settings, rows));
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
            result = reconcile(api, events, run.sink(), payments, load);
            reconcileBank(refundStatuses(api, load)::get, run.stack().bankLedger(), load, result);
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

    static final class Reconciliation {
        long lost;
        long duplicated;
        long overRefunds;
        long eventsMissing;
        long webhooksMissing;
        /** Operations the bank's ledger and Paygate disagree on: executed twice, missing, another amount or outcome. */
        long bankMismatches;

        final List<String> examples = new ArrayList<>();

        boolean clean() {
            return lost == 0
                    && duplicated == 0
                    && overRefunds == 0
                    && eventsMissing == 0
                    && webhooksMissing == 0
                    && bankMismatches == 0;
        }

        void example(String what) {
            if (examples.size() < 6) {
                examples.add(what);
            }
        }
    }

    /**
     * The bank's ledger against Paygate: every accepted refund executed at the bank exactly once, for its amount, and
     * succeeded at the bank if and only if it succeeded in Paygate; every accepted cancel voided its authorization
     * once; no authorization captured or voided more than once (an operation executed again under another reference).
     */
    /** The status of every accepted refund, read through the API 16 at a time (thousands at high rates). */
    private static Map<String, String> refundStatuses(Api api, Load load) {
        Map<String, String> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Load.Accepted a : load.accepted.values()) {
            if (a.kind().equals("refund")) {
                inFlight.acquireUninterruptibly();
                reads.add(api.get("/api2/refunds/" + a.objectId())
                        .thenAccept(answer -> statuses.put(
                                a.objectId(),
                                PaygateJson.wire()
                                        .readTree(answer.body())
                                        .path("status")
                                        .asString()))
                        .whenComplete((done, failure) -> inFlight.release()));
            }
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        return statuses;
    }

    static void reconcileBank(
            java.util.function.Function<String, String> refundStatus, JsonNode ledger, Load load, Reconciliation r) {
        Map<String, JsonNode> byReference = new HashMap<>();
        Map<String, Map<String, Integer>> perAuthorization = new HashMap<>();
        for (JsonNode entry : ledger) {
            byReference.put(entry.path("reference").asString(), entry);
            String type = entry.path("type").asString();
            if ((type.equals("capture") || type.equals("void")) && entry.hasNonNull("authorizationId")) {
                perAuthorization
                        .computeIfAbsent(entry.get("authorizationId").asString(), k -> new HashMap<>())
                        .merge(type, 1, Integer::sum);
            }
        }
        perAuthorization.forEach((authorization, counts) -> counts.forEach((type, n) -> {
            if (n > 1) {
                synchronized (r) {
                    r.bankMismatches++;
                    r.example(authorization + ": " + n + " " + type + "s at the bank");
                }
            }
        }));
        for (Load.Accepted a : load.accepted.values()) {
            if (a.kind().equals("refund")) {
                JsonNode executed = byReference.get(a.objectId());
                String status = refundStatus.apply(a.objectId());
                String problem = executed == null
                        ? "refund " + a.objectId() + " (" + status + ") not at the bank"
                        : executed.path("amount").asLong() != a.amount()
                                ? "refund " + a.objectId() + " of " + a.amount() + " executed for "
                                        + executed.path("amount").asLong()
                                : executed.path("outcome").asString().equals("succeeded") != status.equals("succeeded")
                                        ? "refund " + a.objectId() + " is " + status + ", the bank says "
                                                + executed.path("outcome").asString()
                                        : null;
                if (problem != null) {
                    synchronized (r) {
                        r.bankMismatches++;
                        r.example(problem);
                    }
                }
            } else if (a.kind().equals("cancel")) {
                JsonNode authorization = byReference.get(a.objectId());
                String authorizationId = authorization == null
                        ? null
                        : authorization.path("authorizationId").asString();
                int voids = authorizationId == null
                        ? 0
                        : perAuthorization
                                .getOrDefault(authorizationId, Map.of())
                                .getOrDefault("void", 0);
                if (voids != 1) {
                    synchronized (r) {
                        r.bankMismatches++;
                        r.example("payment " + a.objectId() + " canceled, " + voids + " voids at the bank");
                    }
                }
            }
        }
    }

    private static final Set<String> SUBSCRIBED = Set.of("refund.updated", "payment.canceled", "session.expired");

    /** Everything through the public API and the topics: see the README's Reliability section. */
    private static Reconciliation reconcile(
            Api api, EventLog events, WebhookSink sink, List<Load.Seeded> payments, Load load) {
        Reconciliation r = new Reconciliation();
        events.catchUp();
        Map<String, Set<String>> acceptedRefunds = new HashMap<>();
        load.accepted.values().stream()
                .filter(a -> a.kind().equals("refund"))
                .forEach(a -> acceptedRefunds
                        .computeIfAbsent(a.paymentId(), k -> new HashSet<>())
                        .add(a.objectId()));
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (Load.Seeded p : payments) {
            checks.add(CompletableFuture.runAsync(() -> {
                inFlight.acquireUninterruptibly();
                try {
                    checkPayment(api, events, sink, p, acceptedRefunds.getOrDefault(p.id(), Set.of()), r);
                } finally {
                    inFlight.release();
                }
            }));
        }
        for (Load.Accepted a : load.accepted.values()) {
            if (a.kind().equals("refund")) {
                continue;
            }
            checks.add(CompletableFuture.runAsync(() -> {
                inFlight.acquireUninterruptibly();
                try {
                    String path = a.kind().equals("cancel") ? "/api2/payments/" : "/api2/sessions/";
                    JsonNode object = PaygateJson.wire()
                            .readTree(api.get(path + a.objectId()).join().body());
                    String expected = a.kind().equals("cancel") ? "canceled" : "expired";
                    if (!expected.equals(object.path("status").asString())) {
                        synchronized (r) {
                            r.lost++;
                            r.example(a.objectId() + " accepted but "
                                    + object.path("status").asString());
                        }
                    }
                    checkEvents(
                            events, sink, a.objectId(), object.path("version").asLong(), r);
                } finally {
                    inFlight.release();
                }
            }));
        }
        // a cancel or expiry the gateway shed (503 overloaded) changed nothing: the object is as it was
        load.shedChanges.forEach((id, kind) -> checks.add(CompletableFuture.runAsync(() -> {
            inFlight.acquireUninterruptibly();
            try {
                String path = kind.equals("cancel") ? "/api2/payments/" : "/api2/sessions/";
                String status = PaygateJson.wire()
                        .readTree(api.get(path + id).join().body())
                        .path("status")
                        .asString();
                if (status.equals(kind.equals("cancel") ? "canceled" : "expired")) {
                    synchronized (r) {
                        r.duplicated++;
                        r.example(id + " " + kind + " refused as overloaded but " + status);
                    }
                }
            } finally {
                inFlight.release();
            }
        })));
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
        return r;
    }

    private static void checkPayment(
            Api api, EventLog events, WebhookSink sink, Load.Seeded seeded, Set<String> accepted, Reconciliation r) {
        JsonNode payment = PaygateJson.wire()
                .readTree(api.get("/api2/payments/" + seeded.id()).join().body());
        long received = payment.get("amountReceived").asLong();
        long refunded = payment.get("amountRefunded").asLong();
        Map<String, JsonNode> refunds = new LinkedHashMap<>();
        String after = null;
        do {
            JsonNode page = PaygateJson.wire()
                    .readTree(api.get("/api2/payments/" + seeded.id() + "/refunds?limit=100"
                                    + (after == null ? "" : "&startingAfter=" + after))
                            .join()
                            .body());
            after = null;
            for (JsonNode refund : page.get("data")) {
                refunds.put(refund.get("id").asString(), refund);
                after = refund.get("id").asString();
            }
            if (!page.path("hasMore").asBoolean()) {
                after = null;
            }
        } while (after != null);
        long reserved = refunds.values().stream()
                .filter(f -> !"failed".equals(f.path("status").asString()))
                .mapToLong(f -> f.get("amount").asLong())
                .sum();
        long succeeded = refunds.values().stream()
                .filter(f -> "succeeded".equals(f.path("status").asString()))
                .mapToLong(f -> f.get("amount").asLong())
                .sum();
        synchronized (r) {
            for (String id : accepted) {
                if (!refunds.containsKey(id)) {
                    r.lost++;
                    r.example(id + " accepted but not listed");
                }
            }
            for (String id : refunds.keySet()) {
                if (!accepted.contains(id)) {
                    r.duplicated++;
                    r.example(id + " listed but never accepted");
                }
            }
            if (reserved > received || refunded > received) {
                r.overRefunds++;
                r.example(seeded.id() + " refunds " + reserved + ", amountRefunded " + refunded + " > " + received);
            }
            if (refunded != succeeded) {
                r.lost++;
                r.example(seeded.id() + " amountRefunded " + refunded + " but refunds succeeded " + succeeded);
            }
        }
        checkEvents(events, sink, seeded.id(), payment.get("version").asLong(), r);
        for (JsonNode refund : refunds.values()) {
            checkEvents(
                    events,
                    sink,
                    refund.get("id").asString(),
                    refund.get("version").asLong(),
                    r);
        }
    }

    /** Versions 1 … {@code version} each have exactly one event; every subscribed event reached the receiver. */
    private static void checkEvents(EventLog events, WebhookSink sink, String subject, long version, Reconciliation r) {
        Map<Long, Set<String>> byVersion = events.bySubject.getOrDefault(subject, Map.of());
        synchronized (r) {
            for (long v = 1; v <= version; v++) {
                Set<String> ids = byVersion.getOrDefault(v, Set.of());
                if (ids.isEmpty()) {
                    r.eventsMissing++;
                    r.example(subject + " version " + v + " has no event");
                } else if (ids.size() > 1) {
                    r.duplicated++;
                    r.example(subject + " version " + v + " has events " + ids);
                }
                for (String id : ids) {
                    if (SUBSCRIBED.contains(events.types.get(id)) && !sink.received(id)) {
                        r.webhooksMissing++;
                        r.example(id + " (" + events.types.get(id) + " of " + subject + ") never reached the receiver");
                    }
                }
            }
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

    static String table(Settings settings, List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                "%nfault suite (%s: %s): %.0f requests/s offered (70%% refunds, 15%% cancels, 15%% expiries), "
                        + "fault after %d s, load %d s after it is undone%n%n",
                settings.name(),
                settings.topology().describe(),
                settings.rate(),
                settings.before().toSeconds(),
                settings.after().toSeconds()));
        t.append(
                "| scenario | requests | accepted | final answer by retry | unresolved | lost | duplicated | over-refunds"
                        + " | 5xx | 503 / no answer (retried) | shed (503 overloaded) | events missing | webhooks missing"
                        + " | bank ≠ ledger | accepted/s before / during | recovered in |\n");
        t.append(
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                        + "| ---: |\n");
        for (Row r : rows) {
            t.append(String.format(
                    "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s / %s " + "| %.1f s |%n",
                    r.scenario(),
                    r.requests(),
                    r.accepted(),
                    r.retried(),
                    r.unresolved(),
                    r.lost(),
                    r.duplicated(),
                    r.overRefunds(),
                    r.unexpected5xx(),
                    r.unavailable5xx(),
                    r.shed(),
                    r.eventsMissing(),
                    r.webhooksMissing(),
                    r.bankMismatches(),
                    rate(r.ratePerSecondBefore()),
                    rate(r.ratePerSecondDuring()),
                    r.recoverySeconds()));
        }
        for (Row r : rows) {
            if (!r.examples().isEmpty()) {
                t.append(String.format("%n%s: %s", r.scenario(), r.examples()));
            }
        }
        return t.append('\n').toString();
    }

    private static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "–" : String.format("%.0f", perSecond);
    }

    private static void pause(Duration d) {
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
