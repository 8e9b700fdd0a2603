package dev.paygate.bench;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.restartable.ChildJvm;
import dev.paygate.devinfra.restartable.FreePorts;
import dev.paygate.devinfra.restartable.RestartableKafka;
import dev.paygate.devinfra.restartable.RestartablePostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Paygate in processes of its own, as an operator runs it: a Kafka cluster and PostgreSQL servers that can be crashed
 * and restarted on their data, and every service instance in a JVM of its own that can be killed (SIGKILL), stopped
 * (SIGTERM), frozen (SIGSTOP) and started again, all on ports fixed for the whole run; the bank is an HTTP server in a
 * process of its own, which can be made slow or unresponsive, and keeps a ledger of what it executed. Its logs are
 * kept under {@code directory}.
 *
 * <p>The {@link Topology} says how big: {@code single} (one broker, one instance of each service, one PostgreSQL
 * server) or {@code cluster} (three brokers with topics at three replicas and {@code min.insync.replicas=2}, two
 * instances of each service, a PostgreSQL server per service). Instances of a service share its consumer groups and
 * its database; each URL setting names all the instances of the service it points at.
 */
final class FaultStack implements AutoCloseable {

    static final List<String> SERVICES =
            List.of("payment-service", "refund-service", "webhook-dispatcher", "gateway-api");
    private static final Map<String, String> MAIN = Map.of(
            "payment-service", "dev.paygate.payment.PaymentServiceApplication",
            "refund-service", "dev.paygate.refund.RefundServiceApplication",
            "webhook-dispatcher", "dev.paygate.webhook.WebhookDispatcherApplication",
            "gateway-api", "dev.paygate.gateway.GatewayApplication");

    /** How many brokers, instances of each service and PostgreSQL servers. */
    record Topology(String name, int brokers, int instances, boolean databasePerService) {

        static final Topology SINGLE = new Topology("single", 1, 1, false);

        /** Three brokers, a PostgreSQL server per service, {@code instances} of each service. */
        static Topology cluster(int instances) {
            return new Topology("cluster" + (instances == 2 ? "" : "-" + instances), 3, instances, true);
        }

        static Topology of(String name) {
            return switch (name) {
                case "single" -> SINGLE;
                case "cluster" -> cluster(2);
                default -> throw new IllegalArgumentException("topology is single or cluster: " + name);
            };
        }

        String describe() {
            return brokers + " broker(s), " + instances + " instance(s) of each service, "
                    + (databasePerService ? "a PostgreSQL server per service" : "one PostgreSQL server");
        }
    }

    /** One service instance: its name ({@code refund-service-2}, or the service's own with one instance), its port. */
    record Instance(String service, String name, int port, ChildJvm jvm) {}

    final Topology topology;
    final Path directory;
    /** The database server of each service (the same one for all in the single topology). */
    private final Map<String, RestartablePostgres> databases = new LinkedHashMap<>();

    final RestartableKafka kafka;
    final Path bankOutage;
    /** While this file exists the bank takes {@link #BANK_SLOW_LATENCY} per operation. */
    final Path bankSlow;

    static final Duration BANK_SLOW_LATENCY = Duration.ofSeconds(9);
    /** The bank: an HTTP server in a process of its own, with its ledger. */
    private final ChildJvm bank;

    private final int bankPort = FreePorts.pick();
    final String apiKey;
    final String adminToken;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    FaultStack(Path directory, String apiKey, String adminToken, List<String> extraArguments) {
        this(Topology.SINGLE, directory, apiKey, adminToken, extraArguments, "200ms", "50ms");
    }

    FaultStack(
            Topology topology,
            Path directory,
            String apiKey,
            String adminToken,
            List<String> extraArguments,
            String bankLatency,
            String bankJitter) {
        this.topology = topology;
        this.directory = directory.toAbsolutePath();
        this.apiKey = apiKey;
        this.adminToken = adminToken;
        this.bankOutage = this.directory.resolve("bank-outage");
        this.bankSlow = this.directory.resolve("bank-slow");
        this.bank = new ChildJvm(
                "bank",
                List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "dev.paygate.acquirer.bank.BankServerMain",
                List.of(
                        "--port=" + bankPort,
                        "--latency=" + bankLatency,
                        "--jitter=" + bankJitter,
                        "--outage-file=" + bankOutage,
                        "--slow-file=" + bankSlow,
                        "--slow-latency=" + BANK_SLOW_LATENCY.toMillis() + "ms"),
                this.directory.resolve("logs").resolve("bank.log"));
        bank.start();
        awaitBank(Duration.ofMinutes(1));
        if (topology.databasePerService()) {
            CompletableFuture.allOf(SERVICES.stream()
                            .map(s -> CompletableFuture.runAsync(() -> {
                                RestartablePostgres server =
                                        new RestartablePostgres(this.directory.resolve("postgres-" + s), 0).start();
                                server.database("paygate");
                                synchronized (databases) {
                                    databases.put(s, server);
                                }
                            }))
                            .toArray(CompletableFuture[]::new))
                    .join();
        } else {
            RestartablePostgres server = new RestartablePostgres(this.directory.resolve("postgres"), 0).start();
            server.database("paygate");
            SERVICES.forEach(s -> databases.put(s, server));
        }
        this.kafka = (topology.brokers() == 1
                        ? new RestartableKafka(this.directory.resolve("kafka"), 0, 0, 12)
                        : RestartableKafka.cluster(this.directory.resolve("kafka"), topology.brokers(), 12))
                .start(Topics.ALL, 12, Duration.ofMinutes(2));
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        SERVICES.forEach(s -> ports.put(
                s,
                java.util.stream.IntStream.range(0, topology.instances())
                        .mapToObj(i -> FreePorts.pick())
                        .toList()));
        java.util.function.Function<String, String> urls =
                s -> ports.get(s).stream().map(p -> "http://localhost:" + p).collect(Collectors.joining(","));
        List<String> common = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrap(),
                "--paygate.kafka.replication-factor=" + kafka.replicas(),
                "--paygate.kafka.min-insync-replicas=" + kafka.minInsync(),
                "--spring.main.banner-mode=off",
                "--paygate.acquirer.url=" + bankUrl()));
        common.addAll(extraArguments);
        for (String service : SERVICES) {
            RestartablePostgres db = databases.get(service);
            for (int i = 0; i < topology.instances(); i++) {
                String name = topology.instances() == 1 ? service : service + "-" + (i + 1);
                int port = ports.get(service).get(i);
                List<String> args = new ArrayList<>(common);
                // the instance's name in its Kafka client ids: which instance holds which partitions shows
                args.addAll(List.of(
                        "--server.port=" + port,
                        "--spring.kafka.client-id=" + name,
                        "--paygate.db.url=" + db.jdbcUrl("paygate"),
                        "--paygate.db.user=" + db.user(),
                        "--paygate.db.password=" + db.password()));
                switch (service) {
                    case "refund-service" -> args.add("--paygate.refunds.payment-url=" + urls.apply("payment-service"));
                    case "webhook-dispatcher" ->
                        args.addAll(List.of(
                                "--paygate.webhooks.allow-http=true",
                                "--paygate.webhooks.allow-private-addresses=true"));
                    case "gateway-api" ->
                        args.addAll(List.of(
                                "--paygate.gateway.payment-url=" + urls.apply("payment-service"),
                                "--paygate.gateway.refund-url=" + urls.apply("refund-service"),
                                "--paygate.gateway.webhook-url=" + urls.apply("webhook-dispatcher"),
                                "--paygate.gateway.demo-api-key=" + apiKey,
                                "--paygate.gateway.admin-token=" + adminToken));
                    default -> {}
                }
                // C1 only: five JVMs on two cores did better without C2 compile storms (control run: 582 vs 776 202s at
                // 25/s)
                instances.put(
                        name,
                        new Instance(
                                service,
                                name,
                                port,
                                new ChildJvm(
                                        name,
                                        List.of(
                                                "-Xms256m",
                                                "-Xmx768m",
                                                "-XX:+UseSerialGC",
                                                "-XX:TieredStopAtLevel=1",
                                                "-Dpaygate.process=" + name),
                                        MAIN.get(service),
                                        args,
                                        this.directory.resolve("logs").resolve(name + ".log"))));
            }
        }
        CompletableFuture.allOf(instances.keySet().stream()
                        .map(s -> CompletableFuture.runAsync(() -> start(s)))
                        .toArray(CompletableFuture[]::new))
                .join();
    }

    String bankUrl() {
        return "http://127.0.0.1:" + bankPort;
    }

    /** The bank's {@code GET /v1/stats}: in flight now, most at once, executed. */
    JsonNode bankStats() {
        return getJson(bankUrl() + "/v1/stats");
    }

    /** Every operation the bank executed ({@code GET /v1/ledger}). */
    JsonNode bankLedger() {
        return getJson(bankUrl() + "/v1/ledger");
    }

    void bankSlow(boolean slow) {
        try {
            if (slow) {
                Files.writeString(bankSlow, "slow");
            } else {
                Files.deleteIfExists(bankSlow);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode getJson(String url) {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + answer.statusCode());
            }
            return dev.paygate.contracts.json.PaygateJson.wire().readTree(answer.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Topology topology() {
        return topology;
    }

    /** The instances of {@code service}, by name, in order. */
    List<String> instancesOf(String service) {
        return instances.values().stream()
                .filter(i -> i.service().equals(service))
                .map(Instance::name)
                .toList();
    }

    /** Every instance's name and process id (-1: not running), for the CPU each one used. */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        instances.forEach((name, i) -> pids.put(name, i.jvm().pid()));
        return pids;
    }

    /** The bank's process id. */
    long bankPid() {
        return bank.pid();
    }

    /** The gateway instances' base URLs (a merchant's load balancer spreads requests over them). */
    List<String> gatewayUrls() {
        return instancesOf("gateway-api").stream()
                .map(n -> "http://localhost:" + instances.get(n).port())
                .toList();
    }

    /** The database server {@code service} keeps its data on. */
    RestartablePostgres postgres(String service) {
        return databases.get(service);
    }

    /** Every database server, once. */
    List<RestartablePostgres> databases() {
        return databases.values().stream().distinct().toList();
    }

    /** SIGKILL to an instance (by name): no shutdown hook, no graceful close of consumers, pools or transactions. */
    void kill(String instance) {
        instance(instance).jvm().kill();
    }

    /** SIGTERM to an instance, as a rolling restart does: it finishes what it can and leaves its consumer groups. */
    void stop(String instance) {
        instance(instance).jvm().stop(Duration.ofSeconds(30));
    }

    /** SIGSTOP ({@code true}) or SIGCONT: a "zombie" that stops answering, then wakes up. */
    void freeze(String instance, boolean frozen) {
        instance(instance).jvm().freeze(frozen);
    }

    /** Starts the instance again on its port and waits until it reports itself healthy. */
    void start(String instance) {
        instance(instance).jvm().start();
        awaitHealthy(instance, Duration.ofMinutes(5));
    }

    private Instance instance(String name) {
        Instance instance = instances.get(name);
        if (instance == null) {
            throw new IllegalArgumentException("no instance " + name + " in " + instances.keySet());
        }
        return instance;
    }

    void bankDown(boolean down) {
        try {
            if (down) {
                Files.writeString(bankOutage, "down");
            } else {
                Files.deleteIfExists(bankOutage);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Path> logs() {
        List<Path> logs = new ArrayList<>(
                instances.values().stream().map(i -> i.jvm().log()).toList());
        logs.add(bank.log());
        return logs;
    }

    private void awaitBank(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                bankStats();
                return;
            } catch (IllegalStateException notYet) {
                if (!bank.alive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the bank did not start; see " + bank.log(), notYet);
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // polling a readiness probe
        }
    }

    private void awaitHealthy(String name, Duration timeout) {
        Instance instance = instance(name);
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest health = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + instance.port() + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (true) {
            if (!instance.jvm().alive()) {
                throw new IllegalStateException(
                        name + " exited; see " + instance.jvm().log());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " not healthy within " + timeout + "; see "
                        + instance.jvm().log());
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling a readiness probe
        }
    }

    @Override
    public void close() {
        List<Instance> reversed = new ArrayList<>(instances.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(i -> i.jvm().kill());
        bank.kill();
        kafka.close();
        databases().forEach(RestartablePostgres::close);
    }
}
