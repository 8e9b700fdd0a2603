package dev.paygate.payment.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.payment.PaymentServiceApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * payment-service's refund-event listener on real Kafka and PostgreSQL, fed a poll's worth of refund events at once:
 * it applies them with a statement per table, keeps the latest version of each refund, skips duplicates and stale
 * versions, passes a record that is no event, and gives each payment one {@code payment.amountUpdated} per poll.
 */
@DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=payment-service")
class RefundEventsListenerIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String MERCHANT = Ids.MERCHANT.next();
    static KafkaProducer<String, byte[]> producer;
    static KafkaConsumer<String, byte[]> consumer;
    static final List<CommandReply> replies = new CopyOnWriteArrayList<>();
    static final List<StateChange> events = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("payment_refund_events_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
    }

    @BeforeAll
    static void clients() {
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()),
                new StringSerializer(),
                new ByteArraySerializer());
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "payment-refund-events-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.COMMAND_REPLIES, Topics.PAYMENT_EVENTS));
    }

    @AfterAll
    static void close() {
        producer.close();
        consumer.close();
    }

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    DatabaseClient db;

    static void drain() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.topic().equals(Topics.COMMAND_REPLIES)) {
                replies.add(PaygateJson.wire().readValue(r.value(), CommandReply.class));
            } else {
                events.add(CloudEventsKafka.fromRecord(r));
            }
        }
    }

    /** A payment captured in full: {@code amount} refundable. */
    static String capturedPayment(long amount) {
        CreatePayment create = new CreatePayment(
                Ids.COMMAND.next(),
                MERCHANT,
                Ids.PAYMENT.next(),
                Ids.transactionId(),
                amount,
                "EUR",
                "automatic",
                true,
                new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                Topics.PAYMENT_COMMANDS, create.key(), PaygateJson.wire().writeValueAsBytes(create));
        record.headers().add(Topics.COMMAND_ID_HEADER, create.commandId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            drain();
            return replies.stream().anyMatch(r -> r.commandId().equals(create.commandId()));
        });
        return create.paymentId();
    }

    static StateChange refundEvent(String paymentId, String refundId, long amount, String status, long version) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Refund refund =
                new Refund(amount, now, "EUR", refundId, paymentId, status, null, Map.of(), null, null, version);
        return new StateChange(
                Ids.EVENT.next(),
                EventType.REFUND_UPDATED,
                "/paygate/refund-service",
                now,
                refundId,
                MERCHANT,
                paymentId,
                PaygateJson.wire().writeValueAsString(refund));
    }

    /** The records on one partition while the listener is stopped: its next poll finds them all at once. */
    void sendWhileStopped(List<ProducerRecord<String, byte[]>> records) {
        var container = listeners.getListenerContainer("payment-refund-events");
        container.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !container.isRunning());
        records.forEach(producer::send);
        producer.flush();
        container.start();
    }

    static ProducerRecord<String, byte[]> record(StateChange change) {
        ProducerRecord<String, byte[]> r = CloudEventsKafka.toRecord(Topics.REFUND_EVENTS, change);
        return new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers());
    }

    long amountRefunded(String paymentId) {
        return db.sql("SELECT amount_refunded FROM payments WHERE id = :id")
                .bind("id", paymentId)
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }

    Map<String, Object> link(String refundId) {
        return db.sql("SELECT status, refund_version, counted, trans_id FROM refunds WHERE refund_id = :id")
                .bind("id", refundId)
                .fetch()
                .one()
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aPollsRefundEventsAreAppliedTogetherAndEachPaymentGetsOneAmountUpdatePerPoll() {
        String payment = capturedPayment(10_000);
        String a = Ids.REFUND.next();
        String b = Ids.REFUND.next();
        String c = Ids.REFUND.next();
        StateChange aSucceeded = refundEvent(payment, a, 1000, Refund.SUCCEEDED, 2);
        sendWhileStopped(List.of(
                record(refundEvent(payment, a, 1000, Refund.PENDING, 1)),
                record(aSucceeded),
                record(refundEvent(payment, b, 2000, Refund.SUCCEEDED, 2)),
                record(aSucceeded), // delivered twice
                record(refundEvent(payment, a, 1000, Refund.PENDING, 1)), // stale: a newer version came first
                new ProducerRecord<>(
                        Topics.REFUND_EVENTS, 0, payment, "{not an event".getBytes(StandardCharsets.UTF_8)),
                record(refundEvent(payment, c, 4000, Refund.SUCCEEDED, 2))));

        await().atMost(Duration.ofSeconds(30)).until(() -> link(c) != null);
        assertThat(amountRefunded(payment)).isEqualTo(7000);
        assertThat(link(a))
                .containsEntry("status", "succeeded")
                .containsEntry("refund_version", 2L)
                .containsEntry("counted", true);
        assertThat(link(b)).containsEntry("status", "succeeded");
        assertThat(List.of(link(a).get("trans_id"), link(b).get("trans_id"), link(c).get("trans_id")))
                .doesNotContainNull()
                .doesNotHaveDuplicates();

        // the poll up to the bad record is one amount update, the rest after it another: not one per refund
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            drain();
            assertThat(amountUpdates(payment))
                    .extracting(Payment::amountRefunded)
                    .containsExactly(3000L, 7000L);
        });
        assertThat(amountUpdates(payment))
                .extracting(Payment::version)
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void aRefundReversedAfterSucceedingGivesItsAmountBackAndAPaymentWhoseAmountEndsWhereItWasGetsNoUpdate() {
        String payment = capturedPayment(5000);
        String a = Ids.REFUND.next();
        sendWhileStopped(List.of(record(refundEvent(payment, a, 1500, Refund.SUCCEEDED, 2))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            drain();
            assertThat(amountUpdates(payment))
                    .extracting(Payment::amountRefunded)
                    .containsExactly(1500L);
        });

        String b = Ids.REFUND.next();
        // in one poll: b succeeds, and a is reversed (failed after succeeding) for the same amount
        sendWhileStopped(List.of(
                record(refundEvent(payment, b, 1500, Refund.SUCCEEDED, 2)),
                record(refundEvent(payment, a, 1500, Refund.FAILED, 3))));
        await().atMost(Duration.ofSeconds(30)).until(() -> link(b) != null && "failed".equals(link(a).get("status")));
        assertThat(link(a)).containsEntry("counted", false);
        assertThat(link(b)).containsEntry("counted", true);
        assertThat(amountRefunded(payment)).isEqualTo(1500);

        // no update after it: the poll moved the amount by +1500 and -1500
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            drain();
            assertThat(amountUpdates(payment))
                    .extracting(Payment::amountRefunded)
                    .containsExactly(1500L);
        });
    }

    static List<Payment> amountUpdates(String paymentId) {
        return events.stream()
                .filter(e -> e.subject().equals(paymentId) && e.type() == EventType.PAYMENT_AMOUNT_UPDATED)
                .map(e -> PaygateJson.wire().readValue(e.data(), Payment.class))
                .toList();
    }
}
