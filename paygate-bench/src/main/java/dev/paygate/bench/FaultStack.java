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
import tools.jackson.databind.JsonNode;

/**
 * Paygate for the fault suite: a PostgreSQL server and a Kafka broker that can be crashed and restarted on their
 * data, and each of the four services in a JVM of its own that can be killed with SIGKILL and started again, all on
 * ports fixed for the whole run; the bank is an HTTP server in a process of its own, which can be made slow or
 * unresponsive, and keeps a ledger of what it executed. Its logs are kept under {@code directory}.
 */
final class FaultStack implements AutoCloseable {

    static final List<String> SERVICES = List.of("payment-service", "refund-service", "webhook-dispatcher", "gateway-api");
    private static final Map<String, String> MAIN = Map.of(
            "payment-service", "dev.paygate.payment.PaymentServiceApplication",
            "refund-service", "dev.paygate.refund.RefundServiceApplication",
            "webhook-dispatcher", "dev.paygate.webhook.WebhookDispatcherApplication",
            "gateway-api", "dev.paygate.gateway.GatewayApplication");

    final Path directory;
    final RestartablePostgres postgres;
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
    final String jdbcUrl;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ChildJvm> services = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    FaultStack(Path directory, String apiKey, String adminToken, List<String> extraArguments) {
        this.directory = directory.toAbsolutePath();
        this.apiKey = apiKey;
        this.adminToken = adminToken;
        this.bankOutage = this.directory.resolve("bank-outage");
        this.bankSlow = this.directory.resolve("bank-slow");
        this.bank = new ChildJvm("bank", List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "dev.paygate.acquirer.bank.BankServerMain", List.of("--port=" + bankPort, "--latency=200ms",
                "--jitter=50ms", "--outage-file=" + bankOutage, "--slow-file=" + bankSlow,
                "--slow-latency=" + BANK_SLOW_LATENCY.toMillis() + "ms"),
                this.directory.resolve("logs").resolve("bank.log"));
        bank.start();
        awaitBank(Duration.ofMinutes(1));
        this.postgres = new RestartablePostgres(this.directory.resolve("postgres"), 0).start();
        this.jdbcUrl = postgres.database("paygate");
        this.kafka = new RestartableKafka(this.directory.resolve("kafka"), 0, 0, 12)
                .start(Topics.ALL, 12, Duration.ofMinutes(2));
        SERVICES.forEach(s -> ports.put(s, FreePorts.pick()));
        List<String> common = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrap(),
                "--paygate.db.url=" + jdbcUrl,
                "--paygate.db.user=" + postgres.user(),
                "--paygate.db.password=" + postgres.password(),
                "--spring.main.banner-mode=off",
                "--paygate.acquirer.url=" + bankUrl()));
        common.addAll(extraArguments);
        for (String service : SERVICES) {
            List<String> args = new ArrayList<>(common);
            args.add("--server.port=" + ports.get(service));
            switch (service) {
                case "refund-service" -> args.add("--paygate.refunds.payment-url=" + url("payment-service"));
                case "webhook-dispatcher" -> args.addAll(List.of("--paygate.webhooks.allow-http=true",
                        "--paygate.webhooks.allow-private-addresses=true"));
                case "gateway-api" -> args.addAll(List.of(
                        "--paygate.gateway.payment-url=" + url("payment-service"),
                        "--paygate.gateway.refund-url=" + url("refund-service"),
                        "--paygate.gateway.webhook-url=" + url("webhook-dispatcher"),
                        "--paygate.gateway.demo-api-key=" + apiKey,
                        "--paygate.gateway.admin-token=" + adminToken));
                default -> {
                }
            }
            // C1 only: five JVMs on two cores did better without C2 compile storms (control run: 582 vs 776 202s at 25/s)
            services.put(service, new ChildJvm(service, List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dpaygate.process=" + service), MAIN.get(service), args,
                    this.directory.resolve("logs").resolve(service + ".log")));
        }
        CompletableFuture.allOf(SERVICES.stream()
                .map(s -> CompletableFuture.runAsync(() -> start(s))).toArray(CompletableFuture[]::new)).join();
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
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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

    String url(String service) {
        return "http://localhost:" + ports.get(service);
    }

    String gatewayUrl() {
        return url("gateway-api");
    }

    /** SIGKILL: no shutdown hook, no graceful close of consumers, pools or transactions in flight. */
    void kill(String service) {
        services.get(service).kill();
    }

    /** Starts the service again on its port and waits until it reports itself healthy. */
    void start(String service) {
        services.get(service).start();
        awaitHealthy(service, Duration.ofMinutes(3));
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
        List<Path> logs = new ArrayList<>(services.values().stream().map(ChildJvm::log).toList());
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

    private void awaitHealthy(String service, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest health = HttpRequest.newBuilder(URI.create(url(service) + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (true) {
            if (!services.get(service).alive()) {
                throw new IllegalStateException(service + " exited; see " + services.get(service).log());
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
                throw new IllegalStateException(service + " not healthy within " + timeout + "; see "
                        + services.get(service).log());
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polling a readiness probe
        }
    }

    @Override
    public void close() {
        List.of("gateway-api", "webhook-dispatcher", "refund-service", "payment-service").forEach(s -> services.get(s).kill());
        bank.kill();
        kafka.close();
        postgres.close();
    }
}
