package dev.paygate.webhook;

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
import dev.paygate.devinfra.WebhookReceiver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A dispatcher stopped in the middle of a delivery, and events published while none runs: a new dispatcher on the
 * same database resumes the interrupted delivery once its lease ends — the receiver sees the same
 * {@code webhook-id} again — and delivers what arrived meanwhile. Nothing is lost.
 */
class DispatcherRestartIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DB_URL = INFRA.createDatabase("webhook_restart_" + Long.toHexString(System.nanoTime()));

    static ConfigurableApplicationContext start() {
        // as arguments: they must win over the service's own yml, as the launcher's do
        return WebhookDispatcherApplication.builder()
                .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + INFRA.kafkaBootstrap(),
                        "--paygate.db.url=" + DB_URL,
                        "--paygate.db.user=" + INFRA.dbUser(),
                        "--paygate.db.password=" + INFRA.dbPassword(),
                        "--paygate.webhooks.allow-http=true",
                        "--paygate.webhooks.allow-private-addresses=true",
                        "--paygate.webhooks.timeout=2s",
                        // the lease (timeout + margin, 7 s) must outlast stopping the first dispatcher: about 2.5 s on
                        // two
                        // busy cores, which left a 1 s margin (a 3 s lease) a few hundred milliseconds to spare
                        "--paygate.webhooks.lease-margin=5s",
                        "--paygate.webhooks.poll-interval=200ms");
    }

    @Test
    void aDispatcherStoppedMidDeliveryResumesItAndLosesNothingPublishedWhileDown() throws Exception {
        String merchant = Ids.MERCHANT.next();
        try (WebhookReceiver receiver = WebhookReceiver.start();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                INFRA.kafkaBootstrap(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            receiver.hang("/hooks");
            ConfigurableApplicationContext first = start();
            String endpointId;
            try {
                endpointId = createEndpoint(first, merchant, receiver.url("/hooks"));
                StateChange interrupted = event(merchant);
                producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, interrupted))
                        .get();
                // the attempt is on the wire, waiting for an answer, when the dispatcher goes away
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> receiver.at("/hooks").size() == 1);
                first.close();

                assertThat(count("SELECT count(*) FROM delivery_attempts")).isZero();
                assertThat(count("SELECT count(*) FROM deliveries WHERE status = 'pending' AND locked_until > now()"))
                        .isOne();
                StateChange whileDown = event(merchant);
                producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, whileDown))
                        .get();
                receiver.heal("/hooks");

                ConfigurableApplicationContext second = start();
                try {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> count("SELECT count(*) FROM deliveries WHERE status = 'succeeded'") == 2);
                    List<String> ids = receiver.at("/hooks").stream()
                            .map(r -> r.header("webhook-id"))
                            .toList();
                    // the interrupted one twice, with the same webhook-id; the one published while down once
                    assertThat(ids).containsExactlyInAnyOrder(interrupted.id(), interrupted.id(), whileDown.id());
                    assertThat(count("SELECT count(*) FROM deliveries WHERE endpoint_id = '" + endpointId + "'"))
                            .isEqualTo(2);
                } finally {
                    second.close();
                }
            } finally {
                if (first.isActive()) {
                    first.close();
                }
            }
        }
    }

    static StateChange event(String merchant) {
        String paymentId = Ids.PAYMENT.next();
        return new StateChange(
                Ids.EVENT.next(),
                EventType.PAYMENT_CREATED,
                "/paygate/restart-it",
                Instant.now(),
                paymentId,
                merchant,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"version\":1}");
    }

    static String createEndpoint(ConfigurableApplicationContext dispatcher, String merchant, String url) {
        String port = dispatcher.getEnvironment().getProperty("local.server.port");
        String body = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .build()
                .post()
                .uri("/internal/webhook-endpoints")
                .header("X-Paygate-Merchant", merchant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\": \"" + url + "\", \"enabledEvents\": [\"*\"]}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        return PaygateJson.wire().readTree(body).get("id").asString();
    }

    static long count(String sql) throws Exception {
        String url = DB_URL + (DB_URL.contains("?") ? "&" : "?") + "currentSchema=webhook";
        try (Connection c = DriverManager.getConnection(url, INFRA.dbUser(), INFRA.dbPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
