package dev.paygate.webhook.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.webhook.WebhookDispatcherApplication;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The SSRF guard at send time, with private addresses not allowed: names that resolve to 10.0.0.1, the metadata
 * address 169.254.169.254, ::1 and CGNAT 100.64.0.7, and literal 127.0.0.1 and [::1], are all refused before any
 * connection, and the attempt log says so. (No traffic goes anywhere: the test resolver makes the names point
 * there, and the guard stops them.)
 */
@SpringBootTest(
        classes = {WebhookDispatcherApplication.class, SsrfGuardIT.Resolver.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=webhook-dispatcher")
class SsrfGuardIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DB_URL = INFRA.createDatabase("ssrf_it_" + Long.toHexString(System.nanoTime()));

    @TestConfiguration
    static class Resolver {
        @Bean
        @Primary
        HostResolver testResolver() {
            return host -> switch (host) {
                case "hooks.example.test" -> List.of(InetAddress.getByAddress(host, new byte[] {10, 0, 0, 1}));
                case "metadata.example.test" ->
                    List.of(InetAddress.getByAddress(
                            host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}));
                case "six.example.test" -> List.of(InetAddress.getByName("::1"));
                case "carrier.example.test" -> List.of(InetAddress.getByAddress(host, new byte[] {100, 64, 0, 7}));
                default -> throw new java.net.UnknownHostException(host);
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> DB_URL);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.webhooks.allow-http", () -> "true");
        registry.add("paygate.webhooks.allow-private-addresses", () -> "false");
        registry.add("paygate.webhooks.retry-schedule", () -> "0s");
        registry.add("paygate.webhooks.poll-interval", () -> "200ms");
    }

    @LocalServerPort
    int port;

    @Test
    void deliveriesToPrivateAndLoopbackAddressesAreRefusedAndLogged() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (AutoCloseable stop = server0(server)) {
            String merchant = Ids.MERCHANT.next();
            WebTestClient api = WebTestClient.bindToServer()
                    .baseUrl("http://localhost:" + port)
                    .build();
            for (String url : List.of(
                    "http://hooks.example.test/hooks",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks",
                    "http://metadata.example.test/latest/meta-data/",
                    "http://six.example.test:" + server.getAddress().getPort() + "/hooks",
                    "http://carrier.example.test/hooks",
                    "http://[::1]:" + server.getAddress().getPort() + "/hooks")) {
                api.post()
                        .uri("/internal/webhook-endpoints")
                        .header("X-Paygate-Merchant", merchant)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"url\": \"" + url + "\", \"enabledEvents\": [\"*\"]}")
                        .exchange()
                        .expectStatus()
                        .isOk();
            }
            String session = Ids.SESSION.next();
            StateChange change = new StateChange(
                    Ids.EVENT.next(),
                    EventType.SESSION_EXPIRED,
                    "/paygate/ssrf-it",
                    Instant.now(),
                    session,
                    merchant,
                    session,
                    PaygateJson.wire().writeValueAsString(Map.of("id", session)));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, change))
                        .get();
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> errors(merchant).size() == 6);

            assertThat(errors(merchant)).allSatisfy(error -> assertThat(error).contains("refused by the SSRF guard"));
            assertThat(errors(merchant)).anySatisfy(error -> assertThat(error).contains("10.0.0.1 (private)"));
            assertThat(errors(merchant)).anySatisfy(error -> assertThat(error).contains("127.0.0.1 (loopback)"));
            assertThat(errors(merchant)).anySatisfy(error -> assertThat(error).contains("169.254.169.254"));
            assertThat(errors(merchant)).anySatisfy(error -> assertThat(error).contains("100.64.0.7"));
            assertThat(errors(merchant).stream().filter(error -> error.contains("(loopback)")))
                    .hasSize(3);
            assertThat(hits).hasValue(0);
        }
    }

    private static AutoCloseable server0(com.sun.net.httpserver.HttpServer server) {
        return () -> server.stop(0);
    }

    static List<String> errors(String merchant) throws Exception {
        try (Connection c = DriverManager.getConnection(DB_URL, INFRA.dbUser(), INFRA.dbPassword());
                PreparedStatement s = c.prepareStatement("""
                     SELECT a.error FROM webhook.delivery_attempts a JOIN webhook.deliveries d ON d.id = a.delivery_id
                     JOIN webhook.endpoints e ON e.id = d.endpoint_id WHERE e.merchant_id = ?""")) {
            s.setString(1, merchant);
            List<String> errors = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    errors.add(rs.getString(1));
                }
            }
            return errors;
        }
    }
}
