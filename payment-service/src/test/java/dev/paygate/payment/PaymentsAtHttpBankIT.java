package dev.paygate.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankSettings;
import dev.paygate.acquirer.bank.HttpAcquirer;
import dev.paygate.acquirer.bank.LedgerEntry;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * payment-service with {@code paygate.acquirer.url} set: authorizations, captures and voids go to a bank of its own
 * over HTTP ({@link BankServer}); its ledger shows each executed once, a redelivered capture included.
 */
// closed after its tests: its consumers share the group "payment-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=payment-service")
class PaymentsAtHttpBankIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String MERCHANT = Ids.MERCHANT.next();
    static final BankServer BANK =
            new BankServer(BankSettings.of(Duration.ofMillis(20), Duration.ofMillis(10))).start(0);
    static KafkaProducer<String, byte[]> producer;
    static KafkaConsumer<String, byte[]> consumer;
    static final List<CommandReply> replies = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("payment_bank_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.acquirer.url", () -> "http://127.0.0.1:" + BANK.port());
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
                        "payment-bank-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.COMMAND_REPLIES));
    }

    @AfterAll
    static void close() {
        producer.close();
        consumer.close();
        BANK.close();
    }

    @Autowired
    Acquirer acquirer;

    @Test
    void authorizationsCapturesAndVoidsAreExecutedOnceAtTheHttpBank() {
        assertThat(acquirer).isInstanceOf(HttpAcquirer.class);
        String captured = Ids.PAYMENT.next();
        CreatePayment create = create(captured);
        send(create);
        assertThat(awaitReply(create.commandId()).resource().get("status").asString())
                .isEqualTo("requiresCapture");
        CapturePayment capture = new CapturePayment(Ids.COMMAND.next(), MERCHANT, captured, 3000L);
        send(capture);
        send(capture); // redelivered
        assertThat(awaitReply(capture.commandId()).resource().get("status").asString())
                .isEqualTo("succeeded");

        String canceled = Ids.PAYMENT.next();
        CreatePayment second = create(canceled);
        send(second);
        awaitReply(second.commandId());
        CancelPayment cancel = new CancelPayment(Ids.COMMAND.next(), MERCHANT, canceled, null);
        send(cancel);
        assertThat(awaitReply(cancel.commandId()).resource().get("status").asString())
                .isEqualTo("canceled");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            drain();
            return replies.stream()
                            .filter(r -> r.commandId().equals(capture.commandId()))
                            .count()
                    == 2;
        });

        List<LedgerEntry> first = BANK.ledger().entries(captured, null);
        assertThat(first)
                .extracting(LedgerEntry::type, LedgerEntry::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("authorization", "approved"));
        String authorization = first.get(0).authorizationId();
        assertThat(BANK.ledger().entries(null, authorization))
                .extracting(LedgerEntry::type, LedgerEntry::amount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("authorization", 8000L),
                        org.assertj.core.groups.Tuple.tuple("capture", 3000L));
        String secondAuthorization =
                BANK.ledger().entries(canceled, null).get(0).authorizationId();
        assertThat(BANK.ledger().entries(null, secondAuthorization))
                .extracting(LedgerEntry::type)
                .containsExactly("authorization", "void");
    }

    static CreatePayment create(String paymentId) {
        return new CreatePayment(
                Ids.COMMAND.next(),
                MERCHANT,
                paymentId,
                Ids.transactionId(),
                8000,
                "EUR",
                "manual",
                true,
                new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null);
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
            replies.add(PaygateJson.wire().readValue(r.value(), CommandReply.class));
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
}
