package dev.paygate.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * payment-service alone on real Kafka and PostgreSQL, driven through its command topic: each command's change,
 * event and reply happen once, a redelivered command has no second effect, and concurrent commands for one
 * session are applied one after the other.
 */
// closed after its tests: its consumers share the group "payment-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=payment-service")
class PaymentCommandsIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String MERCHANT = Ids.MERCHANT.next();
    static KafkaProducer<String, byte[]> producer;
    static KafkaConsumer<String, byte[]> consumer;
    static final List<CommandReply> replies = new CopyOnWriteArrayList<>();
    static final List<StateChange> events = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("payment_it_" + Long.toHexString(System.nanoTime()));
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
                        "payment-it-" + UUID.randomUUID(),
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

    static void send(PaymentCommand command) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                Topics.PAYMENT_COMMANDS, command.key(), PaygateJson.wire().writeValueAsBytes(command));
        record.headers().add(Topics.COMMAND_ID_HEADER, command.commandId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    static void drain() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.topic().equals(Topics.COMMAND_REPLIES)) {
                replies.add(PaygateJson.wire().readValue(r.value(), CommandReply.class));
            } else {
                events.add(CloudEventsKafka.fromRecord(r));
            }
        }
    }

    static CommandReply awaitReply(String commandId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            drain();
            return replies.stream().anyMatch(r -> r.commandId().equals(commandId));
        });
        return replies.stream()
                .filter(r -> r.commandId().equals(commandId))
                .findFirst()
                .orElseThrow();
    }

    static String createSession(String merchant) {
        String sessionId = Ids.SESSION.next();
        CreateSession create = new CreateSession(
                Ids.COMMAND.next(),
                merchant,
                sessionId,
                20000,
                "EUR",
                CustomerDetails.EMPTY,
                null,
                null,
                null,
                "EN",
                "4002",
                Map.of(),
                "automatic");
        send(create);
        assertThat(awaitReply(create.commandId()).status()).isEqualTo(200);
        return sessionId;
    }

    static List<StateChange> eventsOf(String sessionId, EventType type) {
        return events.stream()
                .filter(e -> e.subject().equals(sessionId) && e.type() == type)
                .toList();
    }

    @Test
    void createAndExpireEmitOneEventEachAndAnswerTheResource() {
        String sessionId = createSession(MERCHANT);
        ExpireSession expire = new ExpireSession(Ids.COMMAND.next(), MERCHANT, sessionId);
        send(expire);

        CommandReply reply = awaitReply(expire.commandId());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.resource().get("status").asString()).isEqualTo("expired");
        assertThat(reply.resource().get("version").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            drain();
            return eventsOf(sessionId, EventType.SESSION_EXPIRED).size() == 1;
        });
        StateChange created = eventsOf(sessionId, EventType.SESSION_CREATED).get(0);
        StateChange expired = eventsOf(sessionId, EventType.SESSION_EXPIRED).get(0);
        assertThat(created.merchantId()).isEqualTo(MERCHANT);
        assertThat(created.key()).isEqualTo(sessionId);
        assertThat(PaygateJson.wire().readTree(expired.data())).isEqualTo(reply.resource());
    }

    @Test
    void aRedeliveredCommandHasNoSecondEffect() {
        String sessionId = createSession(MERCHANT);
        ExpireSession expire = new ExpireSession(Ids.COMMAND.next(), MERCHANT, sessionId);
        send(expire);
        send(expire); // the same command again, as Kafka redelivers after a crash before the offset commit
        ExpireSession later = new ExpireSession(Ids.COMMAND.next(), MERCHANT, sessionId);
        send(later);

        // one partition, processed in order, and the outbox publishes in commit order: once the later
        // command's reply is here, everything the duplicate could have caused is here too
        assertThat(awaitReply(later.commandId()).code()).isEqualTo("session_invalid_status");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            drain();
            return eventsOf(sessionId, EventType.SESSION_EXPIRED).size() == 1;
        });
        // the duplicate changes nothing and is answered with the first reply again (a gateway re-running an abandoned
        // idempotent request waits for it): two replies, the same one
        assertThat(replies.stream()
                        .filter(r -> r.commandId().equals(expire.commandId()))
                        .distinct())
                .hasSize(1);
        assertThat(replies.stream().filter(r -> r.commandId().equals(expire.commandId())))
                .hasSize(2);
        drain();
        assertThat(eventsOf(sessionId, EventType.SESSION_EXPIRED)).hasSize(1);
    }

    @Test
    void aRedeliveredPaymentCommandHasNoSecondEffect() {
        String paymentId = Ids.PAYMENT.next();
        dev.paygate.contracts.command.CreatePayment create = new dev.paygate.contracts.command.CreatePayment(
                Ids.COMMAND.next(),
                MERCHANT,
                paymentId,
                Ids.transactionId(),
                8000,
                "EUR",
                "manual",
                true,
                new dev.paygate.contracts.command.CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                dev.paygate.contracts.resource.Payment.PaymentMethodOptions.DEFAULT,
                null);
        send(create);
        assertThat(awaitReply(create.commandId()).resource().get("status").asString())
                .isEqualTo("requiresCapture");
        dev.paygate.contracts.command.CapturePayment capture =
                new dev.paygate.contracts.command.CapturePayment(Ids.COMMAND.next(), MERCHANT, paymentId, 3000L);
        send(capture);
        send(capture); // redelivered
        dev.paygate.contracts.command.CancelPayment marker =
                new dev.paygate.contracts.command.CancelPayment(Ids.COMMAND.next(), MERCHANT, paymentId, null);
        send(marker);

        assertThat(awaitReply(marker.commandId()).code()).isEqualTo("payment_invalid_status");
        drain();
        // the duplicate changes nothing and is answered with the first reply again (a gateway re-running an abandoned
        // idempotent request waits for it): two replies, the same one
        assertThat(replies.stream()
                        .filter(r -> r.commandId().equals(capture.commandId()))
                        .distinct())
                .hasSize(1);
        assertThat(replies.stream().filter(r -> r.commandId().equals(capture.commandId())))
                .hasSize(2);
        assertThat(events.stream()
                        .filter(e -> e.subject().equals(paymentId) && e.type() == EventType.PAYMENT_SUCCEEDED))
                .hasSize(1);
        assertThat(events.stream().filter(e -> e.subject().equals(paymentId)))
                .hasSize(3); // created, requiresCapture, succeeded
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Test
    void aRedeliveredPartialCancellationLowersTheAuthorizationOnceAndTheDatabaseHoldsTheLimit() {
        String paymentId = Ids.PAYMENT.next();
        dev.paygate.contracts.command.CreatePayment create = new dev.paygate.contracts.command.CreatePayment(
                Ids.COMMAND.next(),
                MERCHANT,
                paymentId,
                Ids.transactionId(),
                5000,
                "EUR",
                "manual",
                true,
                new dev.paygate.contracts.command.CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                dev.paygate.contracts.resource.Payment.PaymentMethodOptions.DEFAULT,
                null);
        send(create);
        awaitReply(create.commandId());
        dev.paygate.contracts.command.CancelTransaction reduce = new dev.paygate.contracts.command.CancelTransaction(
                Ids.COMMAND.next(), MERCHANT, paymentId, create.transactionId(), 1000L, null, Ids.REFUND.next());
        send(reduce);
        send(reduce); // redelivered

        CommandReply answer = awaitReply(reduce.commandId());
        assertThat(answer.resource().get(0).get("amount").asLong()).isEqualTo(4000);
        dev.paygate.contracts.command.CancelTransaction again = new dev.paygate.contracts.command.CancelTransaction(
                Ids.COMMAND.next(), MERCHANT, paymentId, create.transactionId(), 10L, null, Ids.REFUND.next());
        send(again);
        assertThat(awaitReply(again.commandId()).code()).isEqualTo("transaction_already_reduced");
        drain();
        // the duplicate changes nothing and is answered with the first reply again (a gateway re-running an abandoned
        // idempotent request waits for it): two replies, the same one
        assertThat(replies.stream()
                        .filter(r -> r.commandId().equals(reduce.commandId()))
                        .distinct())
                .hasSize(1);
        assertThat(replies.stream().filter(r -> r.commandId().equals(reduce.commandId())))
                .hasSize(2);
        assertThat(events.stream()
                        .filter(e -> e.subject().equals(paymentId) && e.type() == EventType.PAYMENT_AMOUNT_UPDATED))
                .hasSize(1);

        // partial cancellation plus capture can never pass the amount, whatever the code does
        reactor.test.StepVerifier.create(db.sql("UPDATE payments SET amount_received = 4001 WHERE id = :id")
                        .bind("id", paymentId)
                        .fetch()
                        .rowsUpdated())
                .expectError(org.springframework.dao.DataIntegrityViolationException.class)
                .verify();
        reactor.test.StepVerifier.create(db.sql("UPDATE payments SET amount_canceled = 1001 WHERE id = :id")
                        .bind("id", paymentId)
                        .fetch()
                        .rowsUpdated())
                .expectError(org.springframework.dao.DataIntegrityViolationException.class)
                .verify();
    }

    @Test
    void ofConcurrentExpiriesExactlyOneWins() {
        String sessionId = createSession(MERCHANT);
        List<ExpireSession> expiries = IntStream.range(0, 6)
                .mapToObj(i -> new ExpireSession(Ids.COMMAND.next(), MERCHANT, sessionId))
                .toList();
        expiries.forEach(PaymentCommandsIT::send);

        List<CommandReply> answers =
                expiries.stream().map(e -> awaitReply(e.commandId())).toList();

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(answers)
                .filteredOn(r -> r.status() == 409)
                .hasSize(5)
                .allSatisfy(r -> assertThat(r.code()).isEqualTo("session_invalid_status"));
        drain();
        assertThat(eventsOf(sessionId, EventType.SESSION_EXPIRED)).hasSize(1);
    }

    @Test
    void anotherMerchantsSessionIsNotFoundAndUnchanged() {
        String sessionId = createSession(MERCHANT);
        ExpireSession foreign = new ExpireSession(Ids.COMMAND.next(), Ids.MERCHANT.next(), sessionId);
        send(foreign);

        CommandReply reply = awaitReply(foreign.commandId());

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo("resource_missing");
        ExpireSession own = new ExpireSession(Ids.COMMAND.next(), MERCHANT, sessionId);
        send(own);
        assertThat(awaitReply(own.commandId()).status()).isEqualTo(200);
    }
}
