package dev.paygate.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.standardwebhooks.Webhook;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.devinfra.WebhookReceiver;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The dispatcher on real Kafka and PostgreSQL, for the dispatcher's integration tests: one application context (the
 * tests share it through Spring's context cache), a real HTTP receiver, a producer onto the real topics, and direct
 * reads of the dispatcher's tables. Each test uses merchants of its own, so tests don't see each other's webhooks.
 */
@SpringBootTest(
        classes = WebhookDispatcherApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=webhook-dispatcher")
abstract class DispatcherTestBase {

    protected static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DB_URL = INFRA.createDatabase("webhook_it_" + Long.toHexString(System.nanoTime()));
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final String MERCHANT = "X-Paygate-Merchant";

    static WebhookReceiver receiver;
    static KafkaProducer<String, byte[]> producer;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> DB_URL);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.webhooks.allow-http", () -> "true");
        registry.add("paygate.webhooks.allow-private-addresses", () -> "true"); // receivers run on loopback
        registry.add("paygate.webhooks.retry-schedule", () -> "0s,1s,1s,1s");
        registry.add("paygate.webhooks.disable-after", () -> "6s");
        registry.add("paygate.webhooks.endpoint-concurrency", () -> "4");
        registry.add("paygate.webhooks.poll-interval", () -> "200ms");
        registry.add("paygate.webhooks.timeout", () -> "3s");
    }

    @LocalServerPort
    int port;

    WebTestClient api;

    @BeforeAll
    static void startReceiverAndProducer() throws IOException {
        receiver = WebhookReceiver.start();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        receiver.close();
    }

    @BeforeEach
    void client() {
        api = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(WITHIN)
                .build();
    }

    // ---- helpers ----

    record Endpoint(String id, String secret) {}

    Endpoint createEndpoint(String merchant, String path, List<String> events) {
        return createEndpoint(merchant, receiver.url(path), events, null);
    }

    Endpoint createEndpoint(String merchant, String url, List<String> events, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("enabledEvents", events);
        if (description != null) {
            body.put("description", description);
        }
        JsonNode created = json(api.post()
                .uri("/internal/webhook-endpoints")
                .header(MERCHANT, merchant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(PaygateJson.wire().writeValueAsString(body))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
        return new Endpoint(created.get("id").asString(), created.get("secret").asString());
    }

    void expectProblem(String body, String code, String param) {
        api.post()
                .uri("/internal/webhook-endpoints")
                .header(MERCHANT, Ids.MERCHANT.next())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(400)
                .jsonPath("$.code")
                .isEqualTo(code)
                .jsonPath("$.param")
                .isEqualTo(param)
                .jsonPath("$.title")
                .isEqualTo("Bad Request")
                .jsonPath("$.detail")
                .exists()
                .jsonPath("$.type")
                .isEqualTo("urn:paygate:problem:" + code);
    }

    static StateChange change(EventType type, String merchant, String subject, String key, String data) {
        return new StateChange(
                Ids.EVENT.next(), type, "/paygate/webhook-it", Instant.now(), subject, merchant, key, data);
    }

    static void publish(String topic, StateChange change) throws Exception {
        producer.send(CloudEventsKafka.toRecord(topic, change)).get();
    }

    static void assertVerifies(String secret, WebhookReceiver.Received webhook) {
        assertThatCode(() -> new Webhook(secret).verify(webhook.body(), webhook.headers()))
                .doesNotThrowAnyException();
    }

    static JsonNode json(String text) {
        return PaygateJson.wire().readTree(text);
    }

    static List<String> fieldNames(JsonNode node) {
        return List.copyOf(node.propertyNames());
    }

    static long count(String sql, Object... params) throws SQLException {
        return ((Number) rows(sql, params).get(0).get(0)).longValue();
    }

    /** Reads the dispatcher's tables directly, as an operator would; {@code null} cells read as "null". */
    static List<List<Object>> rows(String sql, Object... params) throws SQLException {
        String url = DB_URL + (DB_URL.contains("?") ? "&" : "?") + "currentSchema=webhook";
        try (Connection connection = DriverManager.getConnection(url, INFRA.dbUser(), INFRA.dbPassword());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        Object value = result.getObject(c);
                        row.add(value == null ? "null" : value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
