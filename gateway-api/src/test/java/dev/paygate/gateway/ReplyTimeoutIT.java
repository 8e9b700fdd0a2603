package dev.paygate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The gateway alone on real Kafka and PostgreSQL, with nobody answering its commands: a state change whose
 * outcome is unknown within the reply timeout answers 202 with the id it was given, and the command it
 * published is on the topic, keyed by that id.
 */
@SpringBootTest(
        classes = GatewayApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=gateway-api")
class ReplyTimeoutIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("gateway_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.gateway.demo-api-key", () -> KEY);
        registry.add("paygate.gateway.reply-timeout", () -> "1s");
        registry.add("paygate.gateway.payment-url", () -> "http://127.0.0.1:9"); // nothing listens there
    }

    @LocalServerPort
    int port;

    @Autowired
    dev.paygate.gateway.command.CommandBus commandBus;

    @Test
    void anUnansweredChangeAnswers202WithItsIdAndTheCommandIsKeyedByIt() throws Exception {
        assertThat(commandBus.awaitReplyAssignment(Duration.ofSeconds(30))).isTrue();
        WebTestClient api = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .defaultHeader("X-Api-Key", KEY)
                .build();
        try (KafkaConsumer<String, byte[]> commands = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reply-timeout-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            commands.subscribe(List.of(Topics.PAYMENT_COMMANDS));

            String body = api.post()
                    .uri("/api2/sessions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"amount\": 20000, \"currency\": \"EUR\"}")
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            String id = PaygateJson.wire().readTree(body).get("id").asString();
            assertThat(Ids.SESSION.matches(id)).isTrue();

            String expireBody = api.post()
                    .uri("/api2/sessions/{id}/expire", id)
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(PaygateJson.wire().readTree(expireBody).get("id").asString())
                    .isEqualTo(id);

            List<ConsumerRecord<String, byte[]>> published = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                commands.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (id.equals(r.key())) {
                        published.add(r);
                    }
                });
                return published.size() == 2;
            });
            JsonNode create = PaygateJson.wire().readTree(published.get(0).value());
            assertThat(create.get("type").asString()).isEqualTo("session.create");
            assertThat(create.get("sessionId").asString()).isEqualTo(id);
            assertThat(create.get("currency").asString()).isEqualTo("EUR");
            PaymentCommand expire =
                    PaygateJson.wire().readValue(published.get(1).value(), PaymentCommand.class);
            assertThat(expire).isInstanceOf(ExpireSession.class);
            assertThat(new String(published
                            .get(1)
                            .headers()
                            .lastHeader(Topics.COMMAND_ID_HEADER)
                            .value()))
                    .isEqualTo(expire.commandId());
        }
    }
}
