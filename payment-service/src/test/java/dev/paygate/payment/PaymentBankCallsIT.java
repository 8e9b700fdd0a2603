package dev.paygate.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankSettings;
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
import dev.paygate.payment.lifecycle.PaymentCommands;
import dev.paygate.support.outbox.ConcurrentChangeException;
import dev.paygate.support.outbox.InboxProcessor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * payment-service at a slow HTTP bank (400–1000 ms a call), fed through its Kafka topic: a payment is not locked
 * while the bank works on it, but its operation is recorded, and another command for it (another instance) waits;
 * many payments are at the bank at once, one payment's commands run in their order.
 */
@DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=payment-service")
class PaymentBankCallsIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String MERCHANT = Ids.MERCHANT.next();
    static final String DATABASE = "payment_calls_it_" + Long.toHexString(System.nanoTime());
    static final BankServer BANK =
            new BankServer(BankSettings.of(Duration.ofMillis(700), Duration.ofMillis(300))).start(0);
    static KafkaProducer<String, byte[]> producer;
    static KafkaConsumer<String, byte[]> consumer;
    static final Map<String, CommandReply> replies = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase(DATABASE);
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.acquirer.url", () -> "http://127.0.0.1:" + BANK.port());
    }

    @BeforeAll
    static void clients() {
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        20),
                new StringSerializer(),
                new ByteArraySerializer());
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "payment-calls-it-" + UUID.randomUUID(),
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
    InboxProcessor inbox;

    @Autowired
    PaymentCommands payments;

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

    static void send(List<? extends PaymentCommand> commands) {
        for (PaymentCommand command : commands) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    Topics.PAYMENT_COMMANDS, command.key(), PaygateJson.wire().writeValueAsBytes(command));
            record.headers().add(Topics.COMMAND_ID_HEADER, command.commandId().getBytes(StandardCharsets.UTF_8));
            producer.send(record);
        }
        producer.flush();
    }

    static void drain() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            CommandReply reply = PaygateJson.wire().readValue(r.value(), CommandReply.class);
            replies.putIfAbsent(reply.commandId(), reply);
        }
    }

    static void awaitReplies(List<? extends PaymentCommand> commands) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            drain();
            return commands.stream().allMatch(c -> replies.containsKey(c.commandId()));
        });
    }

    /** Payments authorized for a manual capture, {@code n} of them. */
    static List<String> authorized(int n) {
        List<CreatePayment> creates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            creates.add(create(Ids.PAYMENT.next()));
        }
        send(creates);
        awaitReplies(creates);
        assertThat(creates)
                .allSatisfy(c -> assertThat(replies.get(c.commandId())
                                .resource()
                                .get("status")
                                .asString())
                        .isEqualTo("requiresCapture"));
        return creates.stream().map(CreatePayment::paymentId).toList();
    }

    static String authorizationOf(String paymentId) {
        return BANK.ledger().entries(paymentId, null).get(0).authorizationId();
    }

    @Test
    void manyPaymentsAreWithTheBankAtOnce() {
        List<String> ids = authorized(60);
        List<CapturePayment> captures = ids.stream()
                .map(id -> new CapturePayment(Ids.COMMAND.next(), MERCHANT, id, null))
                .toList();
        send(captures);
        awaitReplies(captures);

        assertThat(captures)
                .allSatisfy(c -> assertThat(replies.get(c.commandId())
                                .resource()
                                .get("status")
                                .asString())
                        .isEqualTo("succeeded"));
        assertThat(BANK.stats().maxInFlight()).as("bank calls at once").isGreaterThanOrEqualTo(40);
        for (String id : ids) {
            assertThat(BANK.ledger().entries(null, authorizationOf(id)))
                    .extracting(LedgerEntry::type)
                    .containsExactly("authorization", "capture");
        }
    }

    @Test
    void aPaymentIsUnlockedWhileTheBankWorksAndItsOperationIsRecorded() throws Exception {
        String id = authorized(1).get(0);
        CapturePayment capture = new CapturePayment(Ids.COMMAND.next(), MERCHANT, id, 5000L);
        send(List.of(capture));

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> BANK.stats().inFlight() > 0);
        try (Connection c =
                DriverManager.getConnection(INFRA.jdbcUrlFor(DATABASE), INFRA.dbUser(), INFRA.dbPassword())) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT status, operation_command FROM payment.payments WHERE id = ? FOR UPDATE NOWAIT")) {
                s.setString(1, id);
                ResultSet row = s.executeQuery();
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("requiresCapture");
                assertThat(row.getString(2)).as("the operation under way").isEqualTo(capture.commandId());
            }
            assertThat(BANK.stats().inFlight())
                    .as("still with the bank while we looked")
                    .isPositive();
            c.rollback();
        }
        awaitReplies(List.of(capture));
        assertThat(replies.get(capture.commandId())
                        .resource()
                        .get("amountReceived")
                        .asLong())
                .isEqualTo(5000L);
        try (Connection c =
                        DriverManager.getConnection(INFRA.jdbcUrlFor(DATABASE), INFRA.dbUser(), INFRA.dbPassword());
                PreparedStatement s =
                        c.prepareStatement("SELECT operation_command FROM payment.payments WHERE id = ?")) {
            s.setString(1, id);
            ResultSet row = s.executeQuery();
            row.next();
            assertThat(row.getString(1)).as("cleared with the outcome").isNull();
        }
    }

    @Test
    void onePaymentsCommandsRunInTheirOrder() {
        List<String> ids = authorized(10);
        List<PaymentCommand> commands = new ArrayList<>();
        List<CapturePayment> captures = new ArrayList<>();
        List<CancelPayment> cancels = new ArrayList<>();
        for (String id : ids) {
            CapturePayment capture = new CapturePayment(Ids.COMMAND.next(), MERCHANT, id, null);
            CancelPayment cancel = new CancelPayment(Ids.COMMAND.next(), MERCHANT, id, null);
            captures.add(capture);
            cancels.add(cancel);
            commands.add(capture);
            commands.add(cancel);
        }
        send(commands);
        awaitReplies(commands);

        // each capture came first and succeeded; each cancel then found the payment captured
        assertThat(captures)
                .allSatisfy(c -> assertThat(replies.get(c.commandId()).status()).isEqualTo(200));
        assertThat(cancels).allSatisfy(c -> {
            assertThat(replies.get(c.commandId()).status()).isEqualTo(409);
            assertThat(replies.get(c.commandId()).code()).isEqualTo("payment_invalid_status");
        });
        for (String id : ids) {
            assertThat(BANK.ledger().entries(null, authorizationOf(id)))
                    .extracting(LedgerEntry::type)
                    .containsExactly("authorization", "capture");
        }
    }

    @Test
    void aDeclinedPaymentConfirmedAgainWithAnotherCardIsANewAuthorizationAtTheBank() {
        CreatePayment declined = new CreatePayment(
                Ids.COMMAND.next(),
                MERCHANT,
                Ids.PAYMENT.next(),
                Ids.transactionId(),
                8000,
                "EUR",
                "manual",
                true,
                new CardDetails("tok_sim_decline_00", "400000**0002", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null);
        send(List.of(declined));
        awaitReplies(List.of(declined));
        assertThat(replies.get(declined.commandId()).status()).isEqualTo(402);

        dev.paygate.contracts.command.ConfirmPayment again = new dev.paygate.contracts.command.ConfirmPayment(
                Ids.COMMAND.next(),
                MERCHANT,
                declined.paymentId(),
                new CardDetails("tok_sim_approve_01", "411111**1111", 12, 2030, "X"));
        send(List.of(again));
        awaitReplies(List.of(again));

        // the same reference with another card would be refused by the bank (422): the payment would stay declined
        assertThat(replies.get(again.commandId()).status()).isEqualTo(200);
        assertThat(replies.get(again.commandId()).resource().get("status").asString())
                .isEqualTo("requiresCapture");
        assertThat(BANK.ledger().entries().stream().filter(e -> e.reference().startsWith(declined.paymentId())))
                .extracting(LedgerEntry::type, LedgerEntry::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("authorization", "declined"),
                        org.assertj.core.groups.Tuple.tuple("authorization", "approved"));
    }

    @Test
    void aRecordThatIsNoCommandIsPassedAndTheCommandsAroundItAreApplied() {
        CreatePayment before = create(Ids.PAYMENT.next());
        CreatePayment after = create(Ids.PAYMENT.next());
        // one partition, one poll: a command, garbage, a command
        producer.send(new ProducerRecord<>(
                Topics.PAYMENT_COMMANDS, 0, before.key(), PaygateJson.wire().writeValueAsBytes(before)));
        producer.send(new ProducerRecord<>(
                Topics.PAYMENT_COMMANDS, 0, before.key(), "{not json".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(
                Topics.PAYMENT_COMMANDS, 0, after.key(), PaygateJson.wire().writeValueAsBytes(after)));
        producer.flush();

        awaitReplies(List.of(before, after));
        assertThat(replies.get(before.commandId()).status()).isEqualTo(200);
        assertThat(replies.get(after.commandId()).status()).isEqualTo(200);
        assertThat(BANK.ledger().entries(before.paymentId(), null)).hasSize(1);
        assertThat(BANK.ledger().entries(after.paymentId(), null)).hasSize(1);
    }

    @Test
    void anotherInstancesCommandWaitsWhileAnOperationIsUnderWay() {
        String id = authorized(1).get(0);
        // two instances at once, as during a rebalance: one captures, the other is asked to cancel
        CapturePayment capture = new CapturePayment(Ids.COMMAND.next(), MERCHANT, id, null);
        CancelPayment cancel = new CancelPayment(Ids.COMMAND.next(), MERCHANT, id, null);
        Mono<Boolean> capturing = inbox.applyPlanned(
                        "payment-service", capture.commandId(), () -> payments.capture(capture))
                .cache();
        capturing.subscribe();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> BANK.stats().inFlight() > 0);

        StepVerifier.create(inbox.applyPlanned("payment-service", cancel.commandId(), () -> payments.cancel(cancel)))
                .expectError(ConcurrentChangeException.class)
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(capturing).expectNext(true).verifyComplete();
        // run again once the capture is written, the cancel finds the payment captured: the bank voids nothing
        StepVerifier.create(inbox.applyPlanned("payment-service", cancel.commandId(), () -> payments.cancel(cancel)))
                .expectNext(true)
                .verifyComplete();
        assertThat(BANK.ledger().entries(null, authorizationOf(id)))
                .extracting(LedgerEntry::type)
                .containsExactly("authorization", "capture");
    }

    @Test
    void aRequestTheBankRefusesIsAnsweredAtOnceAndEndsItsOperation() throws Exception {
        String id = authorized(1).get(0);
        // someone else used the capture's reference at the bank with another amount: the bank refuses ours (422)
        try (var direct = new dev.paygate.acquirer.bank.HttpAcquirer(
                dev.paygate.acquirer.bank.HttpAcquirer.Settings.of("http://127.0.0.1:" + BANK.port())
                        .withTimeout(Duration.ofSeconds(5)))) {
            direct.capture(authorizationOf(id), 3000).block(Duration.ofSeconds(10));
        }
        CapturePayment capture = new CapturePayment(Ids.COMMAND.next(), MERCHANT, id, 5000L);
        send(List.of(capture));
        awaitReplies(List.of(capture));

        // answered, not retried without end behind the partition
        assertThat(replies.get(capture.commandId()).status()).isEqualTo(502);
        assertThat(replies.get(capture.commandId()).code()).isEqualTo("acquirer_refused");
        try (Connection c =
                        DriverManager.getConnection(INFRA.jdbcUrlFor(DATABASE), INFRA.dbUser(), INFRA.dbPassword());
                PreparedStatement s = c.prepareStatement(
                        "SELECT status, amount_received, operation_command FROM payment.payments WHERE id = ?")) {
            s.setString(1, id);
            ResultSet row = s.executeQuery();
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).as("nothing changed").isEqualTo("requiresCapture");
            assertThat(row.getLong(2)).isZero();
            assertThat(row.getString(3)).as("its operation ended").isNull();
        }
        // and the payment's next command runs
        CancelPayment cancel = new CancelPayment(Ids.COMMAND.next(), MERCHANT, id, null);
        send(List.of(cancel));
        awaitReplies(List.of(cancel));
        assertThat(replies.get(cancel.commandId()).status()).isEqualTo(200);
        assertThat(replies.get(cancel.commandId()).resource().get("status").asString())
                .isEqualTo("canceled");
    }
}
