package dev.paygate.bench;

import static dev.paygate.bench.FaultSuite.log;
import static dev.paygate.bench.FaultSuite.pause;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the fault suite does ({@link FaultSuite}): its settings per mode ({@code short}, {@code full},
 * {@code cluster-short}, {@code cluster}) and its faults — each what is done to the stack, for how long, and how it
 * is undone — for one broker and one instance of each service ({@link #FAULTS}) or a cluster ({@link #CLUSTER_FAULTS}).
 */
final class FaultCatalogue {

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
                    r -> r.sink().failing(true),
                    r -> r.sink().failing(false),
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
                        r.sink().latency(Duration.ofSeconds(5));
                        pause(r.settings().receiverOutage().dividedBy(2));
                        r.sink().latency(Duration.ZERO);
                        r.sink().failing(true);
                    },
                    r -> r.sink().failing(false),
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

    static void restartDeadBrokers(FaultStack stack) {
        for (int node = 1; node <= stack.kafka.size(); node++) {
            if (!stack.kafka.alive(node)) {
                stack.kafka.start(node, Duration.ofMinutes(3));
            }
        }
    }

    static void awaitBankCallsInFlight(FaultStack stack, int calls, Duration within) {
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

    static Fault kill(String service) {
        return new Fault(
                service + "-kill",
                service + " killed (SIGKILL) mid-load and started again",
                r -> r.stack().kill(service),
                r -> r.stack().start(service),
                Settings::down);
    }

    private FaultCatalogue() {}
}
