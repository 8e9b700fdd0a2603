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

/**
 * Paygate for the fault suite: a PostgreSQL server and a Kafka broker that can be crashed and restarted on their
 * data, and each of the four services in a JVM of its own that can be killed with SIGKILL and started again, all on
 * ports fixed for the whole run. Its logs are kept under {@code directory}.
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
                "--paygate.acquirer.outage-file=" + bankOutage));
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
        return services.values().stream().map(ChildJvm::log).toList();
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
        kafka.close();
        postgres.close();
    }
}
